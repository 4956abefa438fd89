import { expect, test } from '@playwright/test';

/**
 * What a phone keeps is forgotten in time (a shared phone must not hold a
 * stranger's ID number or query code for ever): a draft a month after it was
 * last changed, as the server forgets its copy; a receipt a year after it was given.
 */

test('old drafts and receipts are dropped when the app starts, recent ones kept', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => {
    const day = Math.floor(Date.now() / 86_400_000);
    const keep = (name: string, value: unknown) => localStorage.setItem(`bianmin.draft.${name}`, JSON.stringify(value));
    keep('JT-003', { applicant: { name: '王五', id_number: '11010519491231002X' } });
    keep('GA-002', { applicant: { name: '赵六' } });
    keep('receipt.OLD1-CASE', { case_number: 'OLD1-CASE', query_code: 'AAAA-BBBB' });
    keep('receipt.NEW1-CASE', { case_number: 'NEW1-CASE', query_code: 'CCCC-DDDD' });
    keep('SC-001', { applicant: { name: '孙七' } }); // from before the days were kept
    const written = { 'JT-003': day - 31, 'GA-002': day - 29, 'receipt.OLD1-CASE': day - 366, 'receipt.NEW1-CASE': day - 200 };
    for (const [name, at] of Object.entries(written)) localStorage.setItem(`bianmin.written.${name}`, String(at));
    localStorage.setItem('bianmin.written.GONE-1', String(day)); // its entry was removed some other way
  });
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('bianmin.draft.')).sort());
  expect(kept).toEqual(['bianmin.draft.GA-002', 'bianmin.draft.SC-001', 'bianmin.draft.receipt.NEW1-CASE']);
  const written = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('bianmin.written.')).sort());
  expect(written).toEqual(['bianmin.written.GA-002', 'bianmin.written.SC-001', 'bianmin.written.receipt.NEW1-CASE']);
  const started = await page.evaluate(() => localStorage.getItem('bianmin.written.SC-001'));
  expect(Number(started)).toBe(Math.floor(Date.now() / 86_400_000));
});
