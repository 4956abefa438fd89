import { expect, test } from '@playwright/test';
import { expectNoViolations } from './axe';

test('search for a service, open its guide and see its materials', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: '查找办事事项' })).toBeVisible();
  await page.getByLabel('要办什么事').fill('货运');
  await page.getByRole('button', { name: '搜索' }).click();
  await expect(page).toHaveURL(/\?q=%E8%B4%A7%E8%BF%90/);
  const result = page.getByRole('link', { name: '道路货物运输经营许可' });
  await expect(result).toBeVisible();
  await expect(page.getByRole('listitem').filter({ has: result })).toContainText('承诺 5 个工作日');
  await result.click();

  await expect(page).toHaveURL(/\/services\/JT-001$/);
  await expect(page.getByRole('heading', { level: 1, name: '道路货物运输经营许可' })).toBeVisible();
  await expect(page).toHaveTitle('道路货物运输经营许可 · 便民');
  const materials = page.getByRole('region', { name: /申请材料/ });
  await expect(materials.getByRole('heading', { name: '道路货物运输经营申请表' })).toBeVisible();
  await expect(materials.getByRole('heading', { name: '安全生产管理制度文本' })).toBeVisible();
  await expect(materials).toContainText('电子证照库调取，无需提供');

  const blank = materials.getByRole('link', { name: '空白表格：道路货物运输经营申请表' });
  await expect(blank).toHaveAttribute('href', '/forms/road-freight-application.pdf');
  const pdf = await request.get('/forms/road-freight-application.pdf');
  expect(pdf.status()).toBe(200);
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

  // Back to the results: the search is still there.
  await page.goBack();
  await expect(page.getByLabel('要办什么事')).toHaveValue('货运');
});

test('filters by department and by who applies', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('办理部门').selectOption('县民政局');
  await expect(page.locator('.results__count')).toHaveText('找到 5 个事项');
  await expect(page.locator('#announce-polite')).toHaveText('找到 5 个事项');
  await expect(page.getByRole('link', { name: '社会团体成立登记' })).toBeVisible();
  await expect(page.getByRole('link', { name: '道路货物运输经营许可' })).toHaveCount(0);

  await page.getByLabel('办理部门').selectOption('');
  await page.getByLabel('谁来申请').selectOption('individual');
  await expect(page).toHaveURL(/applicant=individual/);
  await expect(page.getByRole('link', { name: '建筑工程施工许可证核发' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: '道路货物运输驾驶员从业资格证核发' })).toBeVisible();
});

test('says so plainly when nothing matches or a service does not exist', async ({ page }) => {
  await page.goto('/?q=%E7%81%AB%E6%98%9F%E7%A7%BB%E6%B0%91');
  await expect(page.locator('.notice').filter({ hasText: '没有找到相关事项' })).toBeVisible();
  // Heard too: the shell's live region says it.
  await expect(page.locator('#announce-polite')).toHaveText('没有找到相关事项');
  await expect(page.getByRole('link', { name: '12345' }).first()).toHaveAttribute('href', 'tel:12345');
  await page.goto('/services/NOPE-1');
  await expect(page.getByRole('heading', { level: 1, name: '没有找到这个事项' })).toBeVisible();
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { level: 1, name: '页面不存在' })).toBeVisible();
});

test('a shared notice link starts the guide bundle alone, and search hands over to it', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  const prefetched = page.waitForRequest(/\/form\/form-[0-9a-f]+_bg\.wasm$/);
  await page.goto('/services/JT-001/checklist?applicant_type=individual&agent=no&vehicles_owned=0&heavy=no');
  await expect(page.getByRole('heading', { level: 1, name: /一次性告知/ })).toBeVisible();
  expect(wasm[0]).toMatch(/^\/guide\/guide-[0-9a-f]+_bg\.wasm$/);
  // While the notice is read, the form's bundle is fetched into the
  // cache (开始网上申请 then opens at once); nothing else is loaded.
  await prefetched;
  expect(wasm.filter((p) => !p.startsWith('/form/'))).toHaveLength(1);

  // From the home page (the light app), a guide is shown by the same bundle.
  wasm.length = 0;
  await page.goto('/');
  await page.getByRole('link', { name: '道路货物运输经营许可' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '道路货物运输经营许可' })).toBeVisible();
  expect(wasm.map((p) => p.split('/')[1])).toEqual(expect.arrayContaining([expect.stringMatching(/^app-/), 'guide']));
  // And back to the search without a reload.
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: '查找办事事项' })).toBeVisible();
});

test('finds a service from everyday words and from pinyin', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('要办什么事').fill('开个修车店');
  await page.getByRole('button', { name: '搜索' }).click();
  await expect(page.getByRole('link', { name: '机动车维修经营备案' })).toBeVisible();
  await page.getByLabel('要办什么事').fill('huwai guanggao');
  await page.getByRole('button', { name: '搜索' }).click();
  const first = page.locator('.results .card__title a').first();
  await expect(first).toHaveText('户外广告设施设置审批');
  await page.getByLabel('要办什么事').fill('戶外廣告');
  await page.getByRole('button', { name: '搜索' }).click();
  await expect(page.locator('.results .card__title a').first()).toHaveText('户外广告设施设置审批');
});

/** Search from the box, as a citizen does. */
async function searchFor(page: import('@playwright/test').Page, words: string) {
  await page.getByLabel('要办什么事').fill(words);
  await page.getByRole('button', { name: '搜索' }).click();
}

for (const elderly of [false, true]) {
  test(`English, whole-sentence and out-of-scope questions are answered right${elderly ? ' in elderly mode' : ''}`, async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto('/');
    if (elderly) {
      await page.getByRole('button', { name: '长辈模式（大字）' }).click();
      await expect(page.locator('html')).toHaveClass(/elderly/);
    }
    const first = page.locator('.results .card').first();

    // English: the item first, with its English name under the Chinese one.
    await searchFor(page, 'tobacco license');
    await expect(first.locator('.card__title a')).toHaveText('烟草专卖零售许可证核发');
    await expect(first.locator('.card__summary')).toHaveText('Tobacco retail licence');
    await expect(first.locator('.card__summary')).toHaveAttribute('lang', 'en');

    // A whole sentence ranks like its core; a joint application that matches
    // as well stands among the items, not above a better one.
    await searchFor(page, '请问一下我们两个人想去领结婚证需要带什么材料');
    await expect(first.locator('.card__title a')).toHaveText('结婚登记');
    await expect(first.locator('.card__summary')).not.toHaveAttribute('lang', 'en');
    await searchFor(page, '买了二手房想把房产证过户到我名下');
    await expect(page.locator('.results .card__title a').first()).toHaveText(/不动产转移登记|二手房过户/);

    // Out of scope: said plainly, with where to go, and no unrelated item.
    await searchFor(page, '医保怎么报销');
    const notice = page.locator('.results .notice');
    await expect(notice).toContainText('本中心不办理“医保报销”');
    await expect(notice).toContainText('县医疗保障局');
    await expect(page.locator('.results').getByRole('link', { name: '12393' })).toHaveAttribute('href', 'tel:12393');
    await expect(page.locator('.results .card')).toHaveCount(0);
    await expect(page.locator('#announce-polite')).toHaveText('本中心不办理“医保报销”');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    await expectNoViolations(page);

    // Nothing matches well: the nearest items are suggested, not listed as results.
    await searchFor(page, '道路 维修 团体');
    await expect(page.locator('.notice').filter({ hasText: '没有找到相关事项' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '您要找的可能是' })).toBeVisible();
  });
}

test('from the look-up and resume pages, the site name leads back to search', async ({ page }) => {
  for (const start of ['/cases', '/drafts']) {
    await page.goto(start);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.locator('header a.brand-link').click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1, name: '查找办事事项' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
  }
});
