import { expect, test } from '@playwright/test';
import { attachDriverMaterials, pdf, save } from './files';
import { fillPersonDetails } from './details';

/**
 * One application on two devices: uploads and a draft on phone A, resumed and
 * submitted on PC B with the resume code (the uploads go with it), then phone A,
 * still holding its copy, removes a file. The case keeps every file: the server
 * refuses to delete what a case holds, and the draft is gone once submitted.
 */

const TOKEN = process.env.STAFF_TOKEN ?? '';

test('save on a phone, submit on a PC, remove a file on the phone: the case keeps its files', async ({ page, browser }, testInfo) => {
  test.skip(!TOKEN, 'needs STAFF_TOKEN (cargo xtask test makes one)');
  test.setTimeout(120_000);
  await page.goto('/');
  const photo = save(testInfo.outputPath('照片.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 400 } }));
  const back = save(testInfo.outputPath('背面.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 420 } }));
  const form = save(testInfo.outputPath('申请表.pdf'), await pdf(page, 2));

  // Phone A: details and every material.
  await page.goto('/services/JT-003/apply');
  await fillPersonDetails(page, '赵六', '示范县和平街 9 号');
  await attachDriverMaterials(page, { photo, back, form });
  // A server draft, with the uploads, to go on elsewhere.
  await page.goto('/services/JT-003/apply');
  await page.getByRole('button', { name: '保存草稿' }).click();
  const code = (await page.locator('.resume-code').innerText()).trim();

  // PC B: nothing in its storage; the resume code brings the application and its files.
  // Its own light bundle asks for the code, then hands over to the step the phone reached.
  const pc = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const wasm: string[] = [];
  pc.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname.split('/')[1]); });
  await pc.goto('/drafts');
  expect(wasm).toEqual(['resume']);
  await pc.getByLabel('恢复码').fill(code);
  await pc.getByRole('button', { name: '继续填写' }).click();
  // Where the phone left off: the task list, its files already there.
  await expect(pc.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
  expect(wasm).toEqual(['resume', 'tasks']);
  await expect(pc.locator('.file--done')).toHaveCount(5);
  await pc.getByRole('button', { name: '核对申请内容' }).click();
  await pc.getByRole('button', { name: '提交申请' }).click();
  const caseNumber = (await pc.locator('.receipt-banner .case-number').innerText()).trim();

  // Phone A, later, still holding the whole draft: submitting says where it went, not ten false errors.
  await page.goto('/services/JT-003/review');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.locator('main')).toContainText(`这份申请已在另一台设备提交，办件编号 ${caseNumber}`);
  await expect(page.locator('main')).not.toContainText('同一个文件只能交一次');

  // Phone A, later: its task list still shows the files; the applicant removes one.
  const deletes: number[] = [];
  page.on('response', (response) => {
    if (response.request().method() === 'DELETE' && response.url().includes('/api/uploads/')) deletes.push(response.status());
  });
  await page.goto('/services/JT-003/tasks');
  await page.locator('#material-photo').getByRole('button', { name: '删除' }).click();
  await expect.poll(() => deletes).toEqual([403]);

  // The draft is gone with the submission.
  const resumed = await page.request.post('/api/drafts/resume', { data: { resume_code: code } });
  expect(resumed.status()).toBe(404);

  // The department has every file of the case.
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const staffCase = await (await page.request.get(`/api/staff/cases/${caseNumber}`, { headers: auth })).json();
  expect(staffCase.files).toHaveLength(5);
  for (const file of staffCase.files) {
    const download = await page.request.get(file.download, { headers: auth });
    expect(download.status(), file.name).toBe(200);
  }
});
