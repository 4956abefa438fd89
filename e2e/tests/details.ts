import type { Page } from '@playwright/test';

/**
 * The applicant's details as a person types them on the details page, then
 * 保存并继续. Collected at the window unless a postal address is given.
 */
export async function fillPersonDetails(page: Page, name: string, address: string, post = false): Promise<void> {
  await page.getByLabel('姓名', { exact: true }).fill(name);
  await page.getByLabel('身份证号码', { exact: true }).fill('440304200002291236');
  await page.getByLabel('手机号码', { exact: true }).fill('13712345678');
  await page.getByLabel('联系地址').fill(address);
  if (post) {
    await page.getByLabel(/免费邮寄/).check();
    await page.getByLabel('收件人', { exact: true }).fill(name);
    await page.getByLabel('收件人手机号码').fill('13712345678');
    await page.getByLabel('邮寄地址').fill(address);
  } else {
    await page.getByLabel(/窗口领取/).check();
  }
  await page.getByRole('button', { name: '保存并继续' }).click();
}
