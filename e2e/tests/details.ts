import { expect, type Page } from '@playwright/test';

/**
 * The applicant's details as a person types them on the details page, then
 * 保存并继续. Collected at the window unless a postal address is given.
 */
export async function fillPersonDetails(page: Page, name: string, address: string, post = false): Promise<void> {
  await page.getByLabel('姓名', { exact: true }).fill(name);
  await page.getByLabel('身份证号码', { exact: true }).fill('440304200002291236');
  await page.getByLabel('手机号码', { exact: true }).fill('13712345678');
  await page.getByLabel('联系地址').fill(address);
  await fillMatter(page);
  if (post) {
    await page.getByLabel(/免费邮寄/).check();
    await page.getByLabel('收件人', { exact: true }).fill(name);
    await page.getByLabel('收件人手机号码').fill('13712345678');
    await page.getByLabel('邮寄地址').fill(address);
  } else {
    await page.getByLabel(/窗口领取/).check();
  }
  await page.getByRole('button', { name: '保存并继续' }).click();
  // The task list is another bundle: the page loads afresh. Until it has, a
  // screenshot or a new address races that load.
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
}

/**
 * What the forms these journeys use ask about the matter itself: the driving
 * licence for JT-003; the restaurant, its signboard and premises for 开餐馆
 * (KB-001). Each is filled where the page asks it.
 */
const MATTER: [string, string, 'text' | 'select'][] = [
  ['机动车驾驶证准驾车型', 'B2', 'select'],
  ['驾驶证初次领证日期', '2015-06-01', 'text'],
  ['申请从业资格类别', '道路货物运输驾驶员（普通货运）', 'select'],
  ['店铺名称（字号）', '示范县老赵家常菜馆', 'text'],
  ['经营场所地址', '示范县人民路 18 号一楼', 'text'],
  ['主体业态', '餐饮服务经营者', 'select'],
  ['经营项目', '热食类食品制售', 'text'],
  ['经营场所面积（平方米）', '120', 'text'],
  ['广告或招牌上的文字', '老赵家常菜', 'text'],
  ['设施形式', '门头招牌', 'select'],
  ['单面面积（平方米）', '6', 'text'],
  ['申请设置期限（年）', '3', 'text'],
  ['场所类型', '饭店、餐馆', 'select'],
  ['使用面积（平方米）', '120', 'text'],
  ['所在楼层', '一楼', 'text'],
];

export async function fillMatter(page: Page): Promise<void> {
  for (const [label, value, kind] of MATTER) {
    const field = page.getByLabel(label, { exact: true });
    if ((await field.count()) === 0) continue;
    if (kind === 'select') await field.selectOption({ label: value });
    else await field.fill(value);
  }
}
