import { expect, test } from '@playwright/test';

/** Materials listed in one section of the one-time notice. */
async function materials(page, section: string) {
  const group = page.locator('.checklist-group').filter({ has: page.getByRole('heading', { name: new RegExp(`^${section}`) }) });
  return group.locator('.material__name').allInnerTexts();
}

test('answer an item questionnaire, change an answer, share the checklist', async ({ page, context }) => {
  await page.goto('/services/JT-001');
  await page.getByRole('link', { name: '回答几个问题，看看要准备什么' }).first().click();

  await expect(page.getByRole('heading', { level: 1, name: '以什么身份申请？' })).toBeVisible();
  await expect(page.getByText('第 1 题，共 4 题')).toBeVisible();
  await page.getByLabel('企业或其他组织').check();
  await page.getByRole('button', { name: '继续' }).click();

  await expect(page.getByRole('heading', { level: 1, name: '是否委托他人代为办理？' })).toBeVisible();
  // The count of materials follows the selection before 继续.
  const live = page.locator('.live-count');
  const before = await live.innerText();
  await page.getByLabel('是', { exact: true }).check();
  await expect(live).not.toHaveText(before);
  await expect(live).toContainText('需要准备');
  await page.getByLabel('否', { exact: true }).check();
  await expect(live).toHaveText(before);
  // Back keeps the answer, forward again.
  await page.getByRole('link', { name: '返回上一步' }).click();
  await expect(page.getByLabel('企业或其他组织')).toBeChecked();
  await page.getByRole('button', { name: '继续' }).click();
  await page.getByLabel('是', { exact: true }).check();
  await page.getByRole('button', { name: '继续' }).click();

  // A number: a wrong value gets a specific error and is kept; then fixed.
  await expect(page.getByRole('heading', { level: 1, name: '已经购置了几辆货车？' })).toBeVisible();
  await page.getByLabel('已经购置了几辆货车？').fill('300');
  await page.getByRole('button', { name: '继续' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('请输入 0 到 200 之间的整数（单位：辆）');
  await expect(summary).toBeFocused();
  await expect(page.getByLabel('已经购置了几辆货车？')).toHaveValue('300');
  await page.getByLabel('已经购置了几辆货车？').fill('3');
  await page.getByRole('button', { name: '继续' }).click();

  await page.getByLabel('否', { exact: true }).check();
  await page.getByRole('button', { name: '继续' }).click();

  await expect(page.getByRole('heading', { level: 1, name: '一次性告知单' })).toBeVisible();
  let required = await materials(page, '必须提交的材料');
  expect(required).toContain('车辆行驶证（第 1 辆 … 第 3 辆）');
  expect(required).toContain('授权委托书');
  expect(required).not.toContain('驾驶员道路货物运输从业资格证');
  expect(await materials(page, '无需您提供的材料')).toContain('营业执照');

  // Change an earlier answer from the notice: heavy trucks after all.
  await page.getByRole('link', { name: '修改：有没有总质量超过 4.5 吨的货车？' }).click();
  await expect(page.getByLabel('否', { exact: true })).toBeChecked();
  await page.getByLabel('是', { exact: true }).check();
  await page.getByRole('button', { name: '继续' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '一次性告知单' })).toBeVisible();
  required = await materials(page, '必须提交的材料');
  expect(required).toContain('驾驶员道路货物运输从业资格证');

  // The share link opens the same checklist on another phone.
  const link = await page.getByLabel(/分享链接/).inputValue();
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByRole('heading', { level: 1, name: '一次性告知单' })).toBeVisible();
  expect(await materials(other, '必须提交的材料')).toEqual(required);
  expect(await materials(other, '无需您提供的材料')).toEqual(await materials(page, '无需您提供的材料'));
});

test('a bundle asks one questionnaire and lists shared documents once', async ({ page }) => {
  await page.goto('/?q=%E9%A5%AD%E5%BA%97'); // 饭店
  await page.getByRole('link', { name: '开餐馆（一件事）' }).click();
  await expect(page.getByText('县市场监督管理局').first()).toBeVisible();
  await page.getByRole('link', { name: '回答几个问题，看看要准备什么' }).click();

  const answer = async (question: string, choice: string) => {
    await expect(page.getByRole('heading', { level: 1, name: question })).toBeVisible();
    await page.getByLabel(choice, { exact: true }).check();
    await page.getByRole('button', { name: '继续' }).click();
  };
  await answer('以什么身份申请？', '个人或个体工商户');
  await answer('会制售冷食（凉菜、卤味、刺身、裱花蛋糕等）吗？', '否');
  await answer('是新设置，还是到期后延续？', '新设置（或改变位置、规格）');
  await answer('广告设施装在您自己的房屋或场地上吗？', '否');
  await answer('单面面积超过 20 平方米，或者高度超过 10 米吗？', '否');
  await answer('选择哪种办理方式？', '告知承诺（当场发证）');
  await answer('这个场所依法需要办理建设工程消防验收或备案吗？', '否');

  await expect(page.getByRole('heading', { level: 1, name: '一次性告知单' })).toBeVisible();
  await expect(page.getByText('牵头部门：县市场监督管理局')).toBeVisible();
  const required = await materials(page, '必须提交的材料');
  expect(required.filter((name) => name === '申请人身份证')).toHaveLength(1);
  const idCard = page.locator('.material').filter({ has: page.getByRole('heading', { name: '申请人身份证' }) });
  await expect(idCard).toContainText('食品经营许可、户外广告设施设置审批、公众聚集场所投入使用、营业前消防安全检查');
  expect(required).toContain('消防安全告知承诺书');
  expect(required).toContain('产权人同意设置的书面协议');
  expect(await materials(page, '可以容缺后补的材料')).toEqual(['食品安全管理制度', '员工岗前消防安全教育培训记录']);
  await page.getByRole('link', { name: '开始网上申请' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '填写申请人信息' })).toBeVisible();
  await expect(page.locator('.caption')).toContainText('开餐馆（一件事）');
});

test('in WeChat the notice explains how to print or download instead of a dead button', async ({ page }) => {
  await page.goto('/services/MZ-002/checklist');
  await expect(page.getByRole('heading', { level: 1, name: '一次性告知单' })).toBeVisible();
  await expect(page.getByRole('button', { name: '打印告知单' })).toHaveCount(0);
  await expect(page.getByText('请点右上角“…”，选择“在浏览器打开”').first()).toBeVisible();
});

test('outside WeChat the notice offers printing and prints on A4 without controls', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, userAgent: 'Mozilla/5.0 (Linux; Android 12) Chrome/120 Mobile' });
  const page = await context.newPage();
  await page.goto('/services/MZ-001/checklist?category=trade&agent=no');
  await expect(page.getByRole('button', { name: '打印告知单' })).toBeVisible();
  expect(await materials(page, '必须提交的材料')).not.toContain('业务主管单位的批准文件');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: '打印告知单' })).toBeHidden();
  await expect(page.locator('.site-header')).toBeHidden();
  await expect(page.locator('.print-only')).toContainText('本告知单网址');
  await context.close();
});
