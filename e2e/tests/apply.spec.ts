import { expect, test } from '@playwright/test';

test('applicant details: specific errors, a reload keeps the draft, the server agrees', async ({ page }) => {
  await page.goto('/services/JT-001/checklist?applicant_type=individual&agent=yes&vehicles_owned=1&heavy=no');
  await page.getByRole('link', { name: '开始网上申请' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '填写申请人信息' })).toBeVisible();

  await page.getByLabel('姓名', { exact: true }).fill('张三');
  await page.getByLabel('身份证号码', { exact: true }).fill('110105 19491231 0021');
  await page.getByLabel('手机号码', { exact: true }).fill('138 1234 567');
  await page.getByLabel('联系地址').fill('示范县人民路 88 号');
  await page.getByLabel('代理人姓名').fill('赵六');

  // WeChat may reload the page: nothing typed is lost.
  await page.reload();
  await expect(page.getByLabel('身份证号码', { exact: true })).toHaveValue('110105 19491231 0021');
  await expect(page.getByLabel('代理人姓名')).toHaveValue('赵六');

  await page.getByRole('button', { name: '保存并继续' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('身份证号码校验位不正确，请核对最后一位');
  await expect(summary).toContainText('请输入11位手机号码');
  await expect(summary).toContainText('请填写计划开业日期');
  await expect(summary).toContainText('请填写代理人手机号码');
  await expect(summary).toContainText('请选择领取方式');
  await expect(page.getByLabel('手机号码', { exact: true })).toHaveValue('138 1234 567');

  // The summary links to the field.
  await summary.getByRole('link', { name: '请输入11位手机号码' }).click();
  await expect(page).toHaveURL(/#applicant-phone$/);

  await page.getByLabel('身份证号码', { exact: true }).fill('11010519491231002x');
  await page.getByLabel('手机号码', { exact: true }).fill('138 1234 5678');
  await page.getByLabel('代理人身份证号码').fill('440304200002291236');
  await page.getByLabel('代理人手机号码').fill('13712345678');
  await page.getByLabel('申请经营范围').selectOption('general');
  await page.getByLabel('计划开业日期').fill('2027-03-01');
  await page.getByLabel('计划投入车辆总数').fill('3');
  // By post: the address is asked for, and checked.
  await page.getByLabel(/免费邮寄/).check();
  // Fields not yet tried are not marked wrong while the applicant is still filling them.
  await expect(page.getByLabel('收件人', { exact: true })).toHaveAttribute('aria-invalid', 'false');
  // 同申请人: one tap instead of typing name, phone and address again.
  await page.getByRole('button', { name: '收件人同申请人' }).click();
  await expect(page.getByLabel('收件人', { exact: true })).toHaveValue('张三');
  await expect(page.getByLabel('收件人手机号码')).toHaveValue('138 1234 5678');
  await expect(page.getByLabel('邮寄地址')).toHaveValue('示范县人民路 88 号');
  await page.getByLabel('收件人手机号码').fill('13812345678');
  await page.getByLabel('邮寄地址').fill('');
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.locator('.error-summary')).toContainText('请填写邮寄地址，写到门牌号');
  await page.getByLabel('邮寄地址').fill('示范县人民路 88 号');
  await page.getByRole('button', { name: '保存并继续' }).click();
  // Checked by the server too, then on to the task list.
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();

  // Personal data never travels in the address.
  expect(page.url()).not.toContain('11010519491231002');
  expect(page.url()).not.toContain('13812345678');
});

test('a draft saved on one phone continues on another with the resume code', async ({ page, browser }) => {
  await page.goto('/services/JT-001/apply?applicant_type=individual&agent=no&vehicles_owned=0&heavy=no');
  await page.getByLabel('姓名', { exact: true }).fill('李四');
  await page.getByLabel('联系地址').fill('示范县和平街 6 号');
  await page.getByRole('button', { name: '保存草稿' }).click();
  const code = (await page.locator('.resume-code').innerText()).trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  // Heard, character by character.
  await expect(page.locator('#announce-polite')).toHaveText(`草稿已保存。恢复码是 ${code.split('').map((c) => (c === '-' ? '，' : c)).join(' ')}`);

  // Another phone: nothing in its storage.
  const other = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  await other.goto('/');
  await other.getByRole('link', { name: /用恢复码继续填写/ }).click();
  await other.getByLabel('恢复码').fill('WRONG-CODE');
  await other.getByRole('button', { name: '继续填写' }).click();
  await expect(other.getByRole('alert')).toContainText('请输入恢复码');
  await other.getByLabel('恢复码').fill('ABCD-EFGH-JKLM');
  await other.getByRole('button', { name: '继续填写' }).click();
  await expect(other.getByRole('alert')).toContainText('没有找到这份草稿');
  await other.getByLabel('恢复码').fill(code.toLowerCase().replaceAll('-', ' '));
  await other.getByRole('button', { name: '继续填写' }).click();
  await expect(other.getByRole('heading', { level: 1, name: '填写申请人信息' })).toBeVisible();
  await expect(other.getByLabel('姓名', { exact: true })).toHaveValue('李四');
  await expect(other.getByLabel('联系地址')).toHaveValue('示范县和平街 6 号');
  expect(other.url()).not.toContain(code);
});
