import { expect, test } from '@playwright/test';
import { expectNoViolations } from './axe';

const PAGES = [
  '/',
  '/services/MZ-001',
  '/services/JT-001/situation/applicant_type',
  '/services/JT-001/checklist?applicant_type=company&agent=yes&vehicles_owned=2&heavy=yes',
  '/bundles/KB-001',
  '/services/JT-001/apply?applicant_type=company&agent=yes&vehicles_owned=1&heavy=no',
  '/drafts',
  '/services/JT-001/tasks?applicant_type=individual&agent=yes&vehicles_owned=1&heavy=yes',
  '/cases',
  '/figures',
  '/staff',
];

for (const path of PAGES) {
  test(`${path} meets WCAG 2.2 AA (axe) in both modes`, async ({ page }) => {
    await page.goto(path);
    // Until the app starts, the static page holds the skeleton's heading and the hidden boot error's.
    await expect(page.locator('#boot-skeleton')).toHaveCount(0);
    await expect(page.locator('h1')).toBeVisible();
    await expect(page.locator('.loading')).toHaveCount(0);
    await expectNoViolations(page);
    if (path.startsWith('/staff')) {
      // The clerk's console has one mode: no elderly-mode switch there.
      await expect(page.getByRole('button', { name: /长辈模式/ })).toHaveCount(0);
      return;
    }
    await page.getByRole('button', { name: /长辈模式/ }).click();
    await expectNoViolations(page);
    if (path.includes('/situation/') || path.includes('/apply')) {
      // With the error summary showing, too.
      await page.getByRole('button', { name: path.includes('/apply') ? '保存并继续' : '继续' }).click();
      await expect(page.locator('.error-summary')).toBeVisible();
      await expectNoViolations(page);
    }
  });
}

test('the review page meets WCAG 2.2 AA (axe) in both modes', async ({ page }) => {
  await page.goto('/');
  // An application typed earlier on this phone.
  await page.evaluate(() => localStorage.setItem('bianmin.draft.JT-003', JSON.stringify({
    applicant: { type: 'person', name: '李四', id_number: '440304200002291236', phone: '13712345678', address: '示范县和平街 6 号' },
    fields: { licence_class: 'B2', licence_first_issued: '2015-06-01', category: 'general' },
    delivery: { method: 'window' },
  })));
  await page.goto('/services/JT-003/review');
  await expect(page.getByRole('heading', { level: 1, name: '核对申请内容' })).toBeVisible();
  await expectNoViolations(page);
  await page.getByRole('button', { name: /长辈模式/ }).click();
  await expectNoViolations(page);
  // The server's refusal, shown in place.
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.locator('.error-summary')).toContainText('请上传“居民身份证”');
  await expectNoViolations(page);
});

test('fits a 320 px screen without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const path of ['/', '/services/XF-001', '/services/CG-001/situation/mode?applicant_type=company', '/bundles/KB-001/checklist',
    '/services/JT-001/tasks?applicant_type=individual&agent=yes&vehicles_owned=1&heavy=yes']) {
    await page.goto(path);
    // Until the app starts, the static page holds the skeleton's heading and the hidden boot error's.
    await expect(page.locator('#boot-skeleton')).toHaveCount(0);
    await expect(page.locator('h1')).toBeVisible();
    await expect(page.locator('.loading')).toHaveCount(0);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, path).toBeLessThanOrEqual(320);
  }
});

test('elderly mode enlarges text and targets and is remembered', async ({ page }) => {
  await page.goto('/services/JT-001');
  const toggle = page.getByRole('button', { name: '长辈模式（大字）' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(page.locator('html')).toHaveClass(/elderly/);
  const bodySize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  expect(bodySize).toBeGreaterThanOrEqual(18);
  const box = await page.getByRole('link', { name: /空白表格/ }).first().boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(60);

  await page.reload();
  await expect(page.locator('html')).toHaveClass(/elderly/);
  await expect(page.getByRole('button', { name: '长辈模式（大字）' })).toHaveAttribute('aria-pressed', 'true');
});

test('targets are at least 44 px and the keyboard reaches the search', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('.card').first()).toBeVisible();
  for (const target of await page.locator('button, select, input, .card__title a').all()) {
    const box = await target.boundingBox();
    expect(box!.height, await target.evaluate((e) => e.outerHTML.slice(0, 80))).toBeGreaterThanOrEqual(44);
  }
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: '跳到主要内容' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('要办什么事')).toBeFocused();
});

test('the static page shows a skeleton before the app starts', async ({ request }) => {
  const html = await (await request.get('/')).text();
  expect(html).toMatch(/id="?boot-skeleton/);
  expect(html).toContain('页面无法打开');
});

for (const [step, heading, ready] of [
  ['apply', '填写申请人信息', '姓名'],
  ['tasks', '上传材料并提交', '申请人信息和领取方式'],
] as const) {
  test(`before its wasm arrives, the ${step} page reads, and nothing moves when the app takes over`, async ({ page }) => {
    const url = `/services/JT-001/${step}?applicant_type=individual&agent=no&vehicles_owned=0&heavy=no`;
    // Held back: what a slow phone shows while the page's wasm is on its way.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    await page.route(/\.wasm$/, async (route) => { await held; await route.continue(); });
    await page.goto(url);
    const title = page.getByRole('heading', { level: 1, name: heading });
    await expect(title).toBeVisible();
    await expect(page.getByRole('link', { name: '返回材料清单' })).toHaveAttribute(
      'href', '/services/JT-001/checklist?applicant_type=individual&agent=no&vehicles_owned=0&heavy=no');
    const hint = page.locator('main .hint').first();
    const [before, words] = [await title.boundingBox(), await hint.textContent()];
    if (step === 'apply') {
      // The header's switch already works, and the app keeps the choice.
      await page.getByRole('button', { name: '长辈模式（大字）' }).click();
      await expect(page.locator('html')).toHaveClass(/elderly/);
      await page.getByRole('button', { name: '长辈模式（大字）' }).click();
      await expect(page.locator('html')).not.toHaveClass(/elderly/);
    }

    release();
    await expect(page.getByText(ready, { exact: false }).first()).toBeVisible();
    await expect(page.locator('#boot-skeleton')).toHaveCount(0);
    // The first view is the page's own top: the same words in the same place.
    expect(await title.boundingBox()).toEqual(before);
    await expect(hint).toHaveText(words!);
    await expect(page.getByRole('button', { name: '长辈模式（大字）' })).toHaveAttribute('aria-pressed', 'false');
  });
}

test('before its wasm arrives, the page that uploads what a case was asked for reads, with its way back', async ({ page }) => {
  await page.route(/\.wasm$/, (route) => route.abort());
  await page.goto('/cases/BM20261201000001/supply');
  await expect(page.getByRole('heading', { level: 1, name: '补交材料' })).toBeVisible();
  await expect(page.getByRole('link', { name: '返回办理进度' })).toHaveAttribute('href', '/cases/BM20261201000001');
  await expect(page.locator('main .hint').first()).toContainText('上传好的文件会保存在本手机上');
  await expect(page.getByText('正在读取办件，请稍候')).toBeVisible();
  // With no code on this phone and no one signed in, the look-up form asks for it, the number filled in.
  await page.unroute(/\.wasm$/);
  await page.reload();
  await expect(page).toHaveURL(/\/cases\?number=BM20261201000001$/);
  await expect(page.getByRole('heading', { level: 1, name: '查询办理进度' })).toBeVisible();
  await expect(page.getByLabel('办件编号')).toHaveValue('BM20261201000001');
});

test('before their wasm, a case\'s status and feedback pages read; with no code they lead to the look-up', async ({ page }) => {
  await page.route(/\.wasm$/, (route) => route.abort());
  await page.goto('/cases/BM20261201000001');
  await expect(page.getByRole('heading', { level: 1, name: '办理进度' })).toBeVisible();
  await expect(page.getByText('正在读取办件，请稍候')).toBeVisible();
  await page.goto('/cases/BM20261201000001/feedback');
  await expect(page.getByRole('heading', { level: 1, name: '评价和投诉' })).toBeVisible();
  await expect(page.getByRole('link', { name: '返回办理进度' })).toHaveAttribute('href', '/cases/BM20261201000001');
  await page.unroute(/\.wasm$/);
  for (const path of ['/cases/BM20261201000001', '/cases/BM20261201000001/feedback']) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/cases\?number=BM20261201000001$/);
    await expect(page.getByLabel('办件编号')).toHaveValue('BM20261201000001');
  }
});

test('a clerk\'s page before its wasm: the console\'s name, no elderly switch, no large text', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('bianmin.elderly', '1'));
  await page.route(/\.wasm$/, (route) => route.abort());
  await page.goto('/staff');
  await expect(page.locator('#boot-skeleton .brand-sub')).toHaveText('工作人员办件台');
  await expect(page.getByRole('button', { name: '长辈模式（大字）' })).toHaveCount(0);
  await expect(page.locator('html')).not.toHaveClass(/elderly/);
});
