import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectNoViolations } from './axe';
import { fillPersonDetails } from './details';
import { attachDriverMaterials, pdf, save } from './files';

/**
 * Progress notices to the applicant: SMS (once the number is proven with a
 * one-time code) and email, chosen on the review page and promised on the receipt; after the department asks for a
 * supplement the email arrives at a real SMTP server (aiosmtpd, started by
 * cargo xtask test) with every material and reason and a link that opens the
 * status page, and the SMS reaches the provider's stand-in with its template.
 */

const TOKEN = process.env.STAFF_TOKEN ?? '';
const MAILDIR = process.env.MAILDIR ?? '';
const SMS_DIR = process.env.SMS_DIR ?? '';

/** Every SendSms the provider's stand-in received, as its form parameters. */
function texts(): URLSearchParams[] {
  try {
    return readdirSync(SMS_DIR).map((f) => new URLSearchParams(readFileSync(join(SMS_DIR, f), 'utf8')));
  } catch {
    return [];
  }
}

/** The messages delivered so far: headers as sent, the text decoded (lettre sends UTF-8 text as base64). */
function mails(): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(join(MAILDIR, 'new')).map((f) => join(MAILDIR, 'new', f));
  } catch {
    return [];
  }
  return files.map((file) => {
    const raw = readFileSync(file, 'utf8');
    const split = raw.search(/\r?\n\r?\n/);
    const [head, body] = [raw.slice(0, split), raw.slice(split).trim()];
    const text = /Content-Transfer-Encoding: base64/i.test(head) ? Buffer.from(body, 'base64').toString('utf8') : body;
    return `${head}\n\n${text}`;
  });
}

test('the applicant opts into email, keeps SMS on, and the supplement notice arrives by both', async ({ page }, testInfo) => {
  test.skip(!TOKEN || !MAILDIR || !SMS_DIR, 'needs STAFF_TOKEN, MAILDIR and SMS_DIR (cargo xtask test sets them)');
  test.setTimeout(90_000);
  await page.goto('/');
  const photo = save(testInfo.outputPath('照片.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 400 } }));
  const form = save(testInfo.outputPath('申请表.pdf'), await pdf(page, 1));

  await page.goto('/services/JT-003/apply');
  await fillPersonDetails(page, '钱七', '示范县和平街 9 号');
  const back = save(testInfo.outputPath('背面.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 420 } }));
  await attachDriverMaterials(page, { photo, back, form });
  await page.getByRole('button', { name: '核对申请内容' }).click();

  // SMS to the form's number only when asked for, and only once the number is proven.
  // Seen masked, heard as 尾号 (not four stars).
  const smsChoice = page.getByRole('checkbox', { name: /^发短信告诉我办理进度（发到 尾号 5678\s*）$/ });
  await expect(page.locator('label[for="notice-sms"]')).toContainText('137****5678');
  await expect(smsChoice).not.toBeChecked();
  await smsChoice.check();
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.locator('#sms-code-error')).toHaveText('请先用短信验证码验证手机号码，或不选“发短信告诉我办理进度”');
  await expect(page.getByLabel('短信验证码')).toBeFocused();
  await expect(page.getByRole('heading', { level: 1, name: '核对申请内容' })).toBeVisible();
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByRole('status').filter({ hasText: '验证码已发到 137****5678' })).toBeVisible();
  await expect(page.getByRole('button', { name: /重新获取（\d+ 秒）/ })).toBeDisabled();
  const codes = () => texts().filter((t) => t.get('TemplateCode') === 'SMS_E2E_CODE' && t.get('PhoneNumbers') === '13712345678');
  await expect.poll(() => codes().length, { timeout: 10_000 }).toBe(1);
  const sent = JSON.parse(codes()[0].get('TemplateParam')!).code as string;
  expect(sent).toMatch(/^\d{6}$/);
  await expect(page.getByLabel('短信验证码')).toHaveAttribute('inputmode', 'numeric');
  await expect(page.getByLabel('短信验证码')).toHaveAttribute('autocomplete', 'one-time-code');
  // A mistyped code says so and how many tries are left; the right one proves the number.
  const wrong = sent.slice(0, 5) + String((Number(sent[5]) + 1) % 10);
  await page.getByLabel('短信验证码').fill(wrong);
  await page.getByRole('button', { name: '验证', exact: true }).click();
  await expect(page.locator('#sms-code-error')).toContainText('还可以再试 4 次');
  await expectNoViolations(page);
  await page.getByLabel('短信验证码').fill(sent);
  await page.getByRole('button', { name: '验证', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /手机号码 137\*{4}5678尾号 5678 已验证/ })).toBeVisible();
  // A reload (WeChat reloads on app switch) keeps the proof and the choice.
  await page.reload();
  await expect(page.getByRole('checkbox', { name: /^发短信告诉我办理进度（发到 尾号 5678\s*）$/ })).toBeChecked();
  await expect(page.getByRole('status').filter({ hasText: '已验证' })).toBeVisible();
  // A mistyped address is caught on the page; nothing is lost.
  const email = page.getByLabel('发邮件告诉我办理进度（可不填）');
  await email.fill('qianqi.example.com');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.locator('#notice-email-error')).toContainText('邮箱地址要有 @');
  await expectNoViolations(page);
  await email.fill('qianqi@example.com');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '申请已提交' })).toBeVisible();
  const caseNumber = (await page.locator('.receipt-banner .case-number').innerText()).trim();
  await expect(page.locator('main')).toContainText('办理进度会发短信到 137****5678尾号 5678，并发邮件到 qi***@example.com');

  const asked = await page.request.post(`/api/staff/cases/${caseNumber}/actions`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
    data: { action: 'request_supplement', items: [{ material: 'photo', reason: '照片背景不是白色，请重新拍摄' }] },
  });
  expect(asked.status()).toBe(200);

  await expect.poll(() => mails().filter((m) => m.includes(caseNumber) && m.includes('需要补正')).length, { timeout: 20_000 }).toBe(1);
  const notice = mails().find((m) => m.includes(caseNumber) && m.includes('需要补正'))!;
  expect(notice).toContain('To: qianqi@example.com');
  expect(notice).toContain('· 近期一寸免冠白底彩色照片：照片背景不是白色，请重新拍摄');
  expect(notice).not.toContain('440304200002291236');
  const link = notice.match(/http:\/\/bianmin\.test(\/cases\/[A-Z0-9-]+)/);
  expect(link?.[1]).toBe(`/cases/${caseNumber}`);

  // The SMS: the registered template, the form's number, the case and the material, nothing personal.
  const sms = () => texts().filter((t) => t.get('TemplateCode') === 'SMS_E2E_SUPPLEMENT' && t.get('TemplateParam')?.includes(caseNumber));
  await expect.poll(() => sms().length, { timeout: 20_000 }).toBe(1);
  expect(sms()[0].get('PhoneNumbers')).toBe('13712345678');
  expect(sms()[0].get('SignName')).toBe('示范县政务服务中心');
  const variables = JSON.parse(sms()[0].get('TemplateParam')!);
  expect(variables).toMatchObject({ item: '道路货物运输驾驶员从业资格证核发', case: caseNumber, count: '1', materials: '近期一寸免冠白底彩色照片' });
  expect(sms()[0].get('TemplateParam')).not.toContain('钱七');

  // The link opens the status page (this phone keeps the receipt, so no code is typed).
  await page.goto(link![1]);
  await expect(page.locator('.status-panel')).toContainText('需要补正材料');
  await expect(page.getByRole('region', { name: /补正告知/ })).toContainText('照片背景不是白色，请重新拍摄');
});

test('a lost query code is recovered with the phone the application gave and an SMS code', async ({ page, browser }, testInfo) => {
  test.skip(!SMS_DIR, 'needs SMS_DIR (cargo xtask test starts the provider stand-in)');
  test.setTimeout(90_000);
  await page.goto('/');
  const photo = save(testInfo.outputPath('照片.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 400 } }));
  const back = save(testInfo.outputPath('背面.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 420 } }));
  const form = save(testInfo.outputPath('申请表.pdf'), await pdf(page, 1));
  await page.goto('/services/JT-003/apply');
  await fillPersonDetails(page, '孙八', '示范县和平街 11 号');
  // This applicant's own number (the other tests text 137…).
  await page.goto('/services/JT-003/apply');
  await page.getByLabel('手机号码', { exact: true }).fill('13612345678');
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
  await attachDriverMaterials(page, { photo, back, form });
  await page.getByRole('button', { name: '核对申请内容' }).click();
  await page.getByRole('button', { name: '提交申请' }).click();
  const caseNumber = (await page.locator('.receipt-banner .case-number').innerText()).trim();

  // Another phone, the receipt lost: the case number and the application's phone bring a new code.
  const other = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  await other.goto('/cases');
  await other.getByLabel('办件编号').fill(caseNumber);
  await other.getByText('查询码丢了？用手机号码找回').click();
  await other.getByLabel('提交申请时填写的手机号码').fill('13612345678');
  await other.getByRole('button', { name: '获取验证码' }).click();
  await expect(other.locator('.recover')).toContainText('如果办件编号和手机号码相符，验证码已发到 136****5678');
  const codes = () => texts().filter((t) => t.get('TemplateCode') === 'SMS_E2E_CODE' && t.get('PhoneNumbers') === '13612345678');
  await expect.poll(() => codes().length, { timeout: 10_000 }).toBe(1);
  const sent = JSON.parse(codes()[0].get('TemplateParam')!).code as string;
  await other.getByLabel('短信验证码').fill(sent);
  await other.getByRole('button', { name: '找回查询码' }).click();
  await expect(other.getByRole('heading', { level: 1, name: '办理进度', exact: true })).toBeVisible();
  const reissued = (await other.locator('.resume-code').innerText()).trim();
  expect(reissued).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(other.locator('#announce-polite')).toContainText('新的查询码是');
  await other.context().close();
});
