import { expect, test, type Page } from '@playwright/test';
import { bothModes, expectFocusKept } from './axe';
import { pdf, photo, save } from './files';

/**
 * Several parties on one application, on a 360 px phone in WeChat, in both
 * modes: the 二手房 一件事 (KB-003) where the buyer applies and names the
 * seller, with the water, power and gas transfers in the same form; and a
 * birth registration (GA-002) about the baby, by one parent naming the other.
 * A fixed error turns green at once; the review shows every party in full,
 * the receipt each side masked.
 */


async function applicant(page: Page, name: string) {
  await page.getByLabel('姓名', { exact: true }).fill(name);
  await page.getByLabel('身份证号码', { exact: true }).fill('440304200002291236');
  await page.getByLabel('手机号码', { exact: true }).fill('13712345678');
  await page.getByLabel('联系地址').fill('示范县人民路 18 号');
}

async function otherParty(page: Page, side: string, name: string, id: string, phone: string) {
  await page.getByLabel(`${side}姓名`).fill(name);
  await page.getByLabel(`${side}身份证号码`).fill(id);
  await page.getByLabel(`${side}手机号码`).fill(phone);
}

test('二手房过户和水电气过户: the buyer applies and names the seller', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto('/');
  const idCard = save(testInfo.outputPath('身份证.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 200 } }));
  const doc = save(testInfo.outputPath('合同.pdf'), await pdf(page, 1));

  await page.goto('/bundles/KB-003/checklist?seller_married=no');
  await page.getByRole('link', { name: '开始网上申请' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '填写申请人信息' })).toBeVisible();
  await expectFocusKept(page);
  await applicant(page, '赵六');
  await page.getByLabel('我是买方').check();
  await expect(page.getByRole('heading', { level: 2, name: '卖方' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: '买方' })).toHaveCount(0);
  await otherParty(page, '卖方', '李四', '110101198805123010', '13912345678');
  await page.getByLabel('房屋坐落').fill('城关镇解放路 12 号 3 单元 501 室');
  await page.getByLabel('不动产权证书号').fill('示(2019)示范县不动产权第0001234号');
  await page.getByLabel('房屋用途').selectOption({ label: '住宅' });
  await page.getByLabel('建筑面积（平方米）').fill('89');
  await page.getByLabel('成交价格（元）').fill('560000');
  for (const [label, number] of [['供水户号', '0012'], ['供电户号', '3301'], ['燃气户号', '7788']]) {
    await page.getByLabel(label).fill(number);
  }
  await page.getByLabel(/窗口领取/).check();
  await bothModes(page);

  // The seller's consent not yet ticked: the one problem, named; ticking it turns it green at once.
  await page.getByRole('button', { name: '保存并继续' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toContainText('请确认卖方已知晓并同意这份申请');
  await expect(summary.locator('li')).toHaveCount(1);
  await expectFocusKept(page);
  await page.getByLabel(/卖方已知晓并同意这份申请/).check();
  await expect(page.locator('.field--fixed')).toContainText('已改好');
  await expect(summary).toHaveCount(0);
  await page.getByRole('button', { name: '保存并继续' }).click();

  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
  await expectFocusKept(page);
  const task = (id: string) => page.locator(`[id="material-${id}"]`);
  await task('BDC-001.application').getByLabel(/选择文件/).setInputFiles(doc);
  await task('BDC-001.parties_id').getByLabel(/选择文件/).setInputFiles(idCard);
  await task('BDC-001.title_certificate').getByLabel(/选择文件/).setInputFiles(idCard);
  await task('BDC-001.sale_contract').getByLabel(/选择文件/).setInputFiles(doc);
  await expect(page.locator('.file--done')).toHaveCount(4);
  // A file removed: focus goes to its material, not the page body, and the removal is heard.
  await task('BDC-001.title_certificate').getByRole('button', { name: /删除/ }).click();
  await expect(page.locator('[id="material-BDC-001.title_certificate-title"]')).toBeFocused();
  await expect(page.locator('#announce-polite')).toHaveText('已删除 身份证.png');
  await task('BDC-001.title_certificate').getByLabel(/选择文件/).setInputFiles(idCard);
  await expect(page.locator('.file--done')).toHaveCount(4);
  await page.getByRole('button', { name: '核对申请内容' }).click();

  // 请逐项核对: the seller in full, beside the buyer who applies.
  await expect(page.getByRole('heading', { level: 1, name: '核对申请内容' })).toBeVisible();
  await expectFocusKept(page);
  await expect(page.locator('main')).toContainText('买方（申请人）');
  await expect(page.locator('main')).toContainText('李四，110101198805123010，13912345678，已确认本人同意申请');
  await bothModes(page);
  await page.getByRole('button', { name: '提交申请' }).click();

  await expect(page.getByRole('heading', { level: 1, name: '申请已提交' })).toBeVisible();
  await expectFocusKept(page);
  await expect(page.locator('.receipt')).toContainText('买方 赵*（申请人）、卖方 李*');
  await expect(page.locator('.receipt')).not.toContainText('李四');
  await bothModes(page);
});

test('出生登记: a parent applies, names the other parent and describes the baby', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto('/');
  const shot = async (name: string, x: number) =>
    save(testInfo.outputPath(name), await page.screenshot({ clip: { x, y: 0, width: 200, height: 120 } }));
  const [certificate, register] = [await shot('证明.png', 0), await shot('户口簿.png', 80)];
  // Four different photos (noise of four sizes), one per side.
  const sides: string[] = [];
  for (const [i, name] of ['母亲人像面', '母亲国徽面', '父亲人像面', '父亲国徽面'].entries()) {
    sides.push(save(testInfo.outputPath(`${name}.jpg`), await photo(page, 640 + i, 400, 0.8)));
  }
  await page.goto('/services/GA-002/checklist?born_in_province=no&father_known=yes');
  // Born in another province: the certificate is uploaded, not fetched.
  await expect(page.locator('main')).toContainText('出生医学证明（外省签发）');
  await page.getByRole('link', { name: '开始网上申请' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '填写申请人信息' })).toBeVisible();
  await applicant(page, '王芳');
  await page.getByLabel('我是母亲').check();
  await otherParty(page, '父亲', '张三', '110101198805123010', '13912345678');
  await page.getByLabel(/父亲已知晓并同意这份申请/).check();
  // The baby's own heading, and its fields under it.
  await expect(page.getByRole('heading', { level: 3, name: '婴儿' })).toBeVisible();
  await page.getByLabel('婴儿姓名').fill('张小宝');
  await page.getByLabel('婴儿性别').selectOption({ label: '女' });
  await page.getByLabel('出生日期').fill('2026-11-20');
  await page.getByLabel('出生地点').fill('外省某市妇幼保健院');
  await page.getByLabel('出生医学证明编号').fill('Q260012345');
  await page.getByLabel('随父亲还是母亲落户').selectOption({ label: '随母亲落户' });
  await page.getByLabel(/窗口领取/).check();
  await bothModes(page);
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
  await expectFocusKept(page);
  const task = (id: string) => page.locator(`[id="material-${id}"]`);
  await task('birth_certificate_copy').getByLabel(/选择文件/).setInputFiles(certificate);
  // Each parent's ID card in two named sides, each shown as a thumbnail once sent.
  await task('mother_id').getByLabel('选择文件：母亲的居民身份证（人像面）').setInputFiles(sides[0]);
  await task('mother_id').getByLabel('选择文件：母亲的居民身份证（国徽面）').setInputFiles(sides[1]);
  await task('father_id').getByLabel('选择文件：父亲的居民身份证（人像面）').setInputFiles(sides[2]);
  await task('father_id').getByLabel('选择文件：父亲的居民身份证（国徽面）').setInputFiles(sides[3]);
  await task('household_register').getByLabel(/选择文件/).setInputFiles(register);
  await expect(page.locator('.file--done')).toHaveCount(6);
  await expect(task('mother_id').getByRole('img', { name: '人像面的缩略图' })).toBeVisible();
  await expect(task('father_id').getByRole('img', { name: '国徽面的缩略图' })).toBeVisible();
  await page.getByRole('button', { name: '核对申请内容' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '核对申请内容' })).toBeVisible();
  const main = page.locator('main');
  await expect(main).toContainText('母亲（申请人）');
  await expect(main).toContainText('张三，110101198805123010');
  await expect(main).toContainText('张小宝');
  await bothModes(page);
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '申请已提交' })).toBeVisible();
  await expect(page.locator('.receipt')).toContainText('母亲 王*（申请人）、父亲 张*');
});
