import { expect, test, type Page } from '@playwright/test';
import { pdf, photo, save } from './files';
import { expectFocusKept } from './axe';
import { fillMatter } from './details';

/**
 * The whole e-submission on a phone inside WeChat: details with a mistake that
 * is fixed, real files (a camera photo over 5 MB compressed in the browser, a
 * multi-page PDF, a big scanned PDF whose upload survives a reload), the
 * review with a change, submission, and the receipt.
 */

const CHUNK = 5 * 1024 * 1024;

function material(page: Page, id: string) {
  return page.locator(`#material-${id}`);
}

test('a full application: uploads, a reload mid-upload, review, submission and receipt', async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  await page.goto('/');
  const camera = await photo(page, 3000, 4000, 0.95);
  expect(camera.length).toBeGreaterThan(5 * 1024 * 1024);
  const cameraPath = save(testInfo.outputPath('IMG_20261121_101530.jpg'), camera);
  const formPath = save(testInfo.outputPath('申请表.pdf'), await pdf(page, 3));
  const scanned = await pdf(page, 3, camera);
  expect(scanned.length).toBeGreaterThan(CHUNK + 1024 * 1024);
  const scannedPath = save(testInfo.outputPath('安全生产管理制度.pdf'), scanned);
  const screenshotPath = save(testInfo.outputPath('承诺书.png'), await page.screenshot());
  const lyingPath = save(testInfo.outputPath('驾驶证.pdf'), await page.screenshot());

  // Details: a wrong check digit, found in the browser, fixed.
  await page.goto('/services/JT-001/checklist?applicant_type=individual&agent=no&vehicles_owned=0&heavy=no');
  await page.getByRole('link', { name: '开始网上申请' }).click();
  await page.getByLabel('姓名', { exact: true }).fill('张三');
  await page.getByLabel('身份证号码', { exact: true }).fill('110105194912310029');
  await page.getByLabel('手机号码', { exact: true }).fill('13812345678');
  await page.getByLabel('联系地址').fill('示范县人民路 88 号');
  await page.getByLabel('申请经营范围').selectOption('general');
  await page.getByLabel('计划开业日期').fill('2027-03-01');
  await page.getByLabel('计划投入车辆总数').fill('2');
  await page.getByLabel(/窗口领取/).check();
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.locator('.error-summary')).toContainText('身份证号码校验位不正确');
  await expectFocusKept(page);
  const idField = page.getByLabel('身份证号码', { exact: true });
  await expect(idField).toHaveAttribute('aria-invalid', 'true');
  // The phone's keyboard and autofill know the personal fields.
  await expect(page.getByLabel('手机号码', { exact: true })).toHaveAttribute('inputmode', 'tel');
  await expect(page.getByLabel('手机号码', { exact: true })).toHaveAttribute('autocomplete', 'tel');
  await expect(page.getByLabel('姓名', { exact: true })).toHaveAttribute('autocomplete', 'name');
  // Fixed: green at once, without sending the form again.
  await idField.fill('11010519491231002X');
  await expect(idField).toHaveAttribute('aria-invalid', 'false');
  await expect(page.locator('.field--fixed')).toContainText('已改好');
  await expect(page.locator('.error-summary')).toHaveCount(0);
  await page.getByRole('button', { name: '保存并继续' }).click();

  // The task list: closed until complete, and it says why.
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
  await expectFocusKept(page);
  const go = page.getByRole('button', { name: '核对申请内容' });
  await expect(go).toBeDisabled();
  await expect(page.locator('#submit-blockers')).toContainText('请上传“安全生产管理制度文本”');
  await expect(material(page, 'application').locator('.tag')).toHaveText('未上传');

  // A file whose name lies about its content is refused in the browser, with the reason.
  await material(page, 'driver_licences').getByLabel(/选择文件/).setInputFiles(lyingPath);
  await expect(material(page, 'driver_licences')).toContainText('名字是 PDF，内容却是 PNG');
  await expect(material(page, 'driver_licences').locator('.tag')).toHaveText('有问题');
  await material(page, 'driver_licences').getByRole('button', { name: '知道了' }).click();
  await expectFocusKept(page);

  // A multi-page PDF and a screenshot.
  // What the shell's live region says is recorded, to check that uploads are heard.
  await page.evaluate(() => {
    const region = document.getElementById('announce-polite')!;
    const heard: string[] = ((window as unknown as { heard: string[] }).heard = []);
    new MutationObserver(() => { if (region.textContent) heard.push(region.textContent); })
      .observe(region, { childList: true, characterData: true, subtree: true });
  });
  await material(page, 'application').getByLabel(/选择文件/).setInputFiles(formPath);
  await material(page, 'vehicle_pledge').getByLabel(/选择文件/).setInputFiles(screenshotPath);
  await material(page, 'driver_licences').getByLabel(/选择文件/).setInputFiles(screenshotPath);
  await expect(material(page, 'application').locator('.tag')).toHaveText('已完成');
  await expect(material(page, 'application')).toContainText('申请表.pdf');
  await expect.poll(() => page.evaluate(() => (window as unknown as { heard: string[] }).heard))
    .toEqual(expect.arrayContaining(['开始上传 申请表.pdf', '申请表.pdf 上传完成']));

  // The camera photo is compressed before it is sent; the ID card has a slot per side.
  const idCard = material(page, 'applicant_id');
  await idCard.getByLabel('选择文件：申请人或负责人身份证（人像面）').setInputFiles(cameraPath);
  await expect(idCard.locator('.file--done')).toHaveCount(1, { timeout: 30_000 });
  await expect(idCard.locator('.material-task__head .tag')).toHaveText('还差一面');
  // The same photo again for the other side is refused before it is sent.
  await idCard.getByLabel('选择文件：申请人或负责人身份证（国徽面）').setInputFiles(cameraPath);
  await expect(idCard).toContainText('同一张照片选了两次');
  await idCard.getByRole('button', { name: '知道了' }).click();
  await idCard.getByLabel('选择文件：申请人或负责人身份证（国徽面）').setInputFiles(screenshotPath);
  await expect(idCard.locator('.material-task__head .tag')).toHaveText('已完成', { timeout: 30_000 });
  await expectFocusKept(page);
  // Each side says which it is, with a thumbnail of what was sent.
  await expect(idCard.locator('.file__thumb')).toHaveCount(2);
  await expect(idCard.locator('.file__side')).toHaveText(['人像面', '国徽面']);
  const done = idCard.locator('.file--done').filter({ hasText: 'IMG_20261121_101530.jpg' });
  await expect(done).toContainText('IMG_20261121_101530.jpg');
  await expect(done).toContainText(/已从 \d+\.\d MB 压缩/);
  const sentKb = Number((await done.locator('.file__meta').innerText()).match(/^(\d+) KB/)?.[1] ?? 'NaN');
  expect(sentKb * 1024).toBeLessThan(camera.length / 2);

  // The scan: its second chunk never gets through (the connection drops, as on a
  // train going into a tunnel, and the app keeps retrying), and the page is reloaded…
  let cut = 0;
  await page.route(/\/api\/uploads\/[^/]+$/, async (route) => {
    const request = route.request();
    if (request.method() === 'PATCH' && request.headers()['upload-offset'] !== '0') {
      cut += 1;
      await route.abort('connectionreset');
      return;
    }
    await route.continue();
  });
  await material(page, 'safety_rules').getByLabel(/选择文件/).setInputFiles(scannedPath);
  await expect(material(page, 'safety_rules').locator('progress')).toBeVisible();
  await expect.poll(() => cut, { timeout: 30_000 }).toBeGreaterThan(0);
  await page.reload();
  // The network is back.
  await page.unrouteAll({ behavior: 'ignoreErrors' });

  // …and picks up where the server stopped: no new upload, the next PATCH starts at the first chunk's end.
  const scan = material(page, 'safety_rules');
  await expect(scan).toContainText('中断了');
  await expect(material(page, 'application').locator('.tag')).toHaveText('已完成');
  const sent: { method: string; offset?: string }[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/uploads')) sent.push({ method: request.method(), offset: request.headers()['upload-offset'] });
  });
  await scan.getByLabel(/选择文件/).setInputFiles(scannedPath);
  await expect(scan.locator('.tag')).toHaveText('已完成', { timeout: 60_000 });
  expect(sent.filter((r) => r.method === 'POST')).toHaveLength(0);
  expect(sent.find((r) => r.method === 'PATCH')?.offset).toBe(String(CHUNK));

  // Complete: on to the review.
  await expect(page.locator('#submit-blockers')).toHaveCount(0);
  await go.click();
  await expect(page.getByRole('heading', { level: 1, name: '核对申请内容' })).toBeVisible();
  await expectFocusKept(page);
  // 请逐项核对: the applicant's own numbers in full, to catch a typo.
  await expect(page.locator('main')).toContainText('11010519491231002X');
  await expect(page.locator('main')).toContainText('13812345678');
  await expect(page.locator('main')).toContainText('安全生产管理制度.pdf');

  // A change from the review comes back to the review.
  await page.getByRole('link', { name: '修改：手机号码' }).click();
  await page.getByLabel('手机号码', { exact: true }).fill('13912345678');
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '核对申请内容' })).toBeVisible();
  await expectFocusKept(page);
  await expect(page.locator('main')).toContainText('13912345678');

  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '申请已提交' })).toBeVisible();
  await expectFocusKept(page);
  const caseNumber = (await page.locator('.receipt-banner .case-number').innerText()).trim();
  expect(caseNumber).toMatch(/^[ABCDEFGHJKLMNPRSTUVWXY2-9]{4}-[ABCDEFGHJKLMNPRSTUVWXY2-9]{4}$/);
  const receipt = page.locator('.receipt');
  await expect(receipt).toContainText('道路货物运输经营许可');
  await expect(receipt).toContainText('受理后 5 个工作日内办结');
  await expect(receipt).toContainText('0123-8201012');
  await expect(receipt).toContainText(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
  // WeChat cannot print: the receipt becomes a picture to long-press and save.
  await expect(page.getByRole('button', { name: '打印回执' })).toHaveCount(0);
  await page.getByRole('button', { name: '保存为图片' }).click();
  const picture = page.getByRole('img', { name: new RegExp(`办件编号：${caseNumber}`) });
  await expect(picture).toBeVisible();
  await expectFocusKept(page);
  expect(await picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(720);
  await expect(page.locator('#announce-polite')).toHaveText('回执图片已生成，长按图片保存到手机相册');
  // Personal data never travels in the address; the query code neither.
  const queryCode = (await receipt.locator('dd').nth(1).innerText()).trim();
  expect(page.url()).not.toContain(queryCode);
  expect(page.url()).not.toContain('13912345678');

  // The receipt survives a reload; the application is finished on this phone.
  await page.reload();
  await expect(page.locator('.receipt-banner .case-number')).toHaveText(caseNumber);
  // Back from the receipt (Android's back button) shows the receipt, not an empty application.
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: '申请已提交' })).toBeVisible();
  await expect(page.locator('.receipt-banner .case-number')).toHaveText(caseNumber);

  // 本机提交的申请: counted on the home page, listed on the look-up page, opened without typing the codes.
  await page.goto('/');
  await page.getByRole('link', { name: '本机提交的申请（1 件）：查看办理进度' }).click();
  const kept = page.getByRole('region', { name: '本机提交的申请' });
  await expect(kept).toContainText(`办件编号 ${caseNumber}`);
  await expectFocusKept(page);
  await kept.getByRole('link', { name: '道路货物运输经营许可' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '办理进度', exact: true })).toBeVisible();
  await expectFocusKept(page);

  // Another phone types the codes once: WeChat's reload on an app switch keeps the case open.
  // The empty look-up form is its own light bundle; the case hands over to `follow` in place.
  const other = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  const wasm: string[] = [];
  other.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname.split('/')[1]); });
  await other.goto('/cases');
  expect(wasm).toEqual(['lookup']);
  await other.getByLabel('办件编号').fill(caseNumber);
  await other.getByLabel('查询码').fill(queryCode);
  await other.getByRole('button', { name: '查询' }).click();
  await expect(other.getByRole('heading', { level: 1, name: '办理进度', exact: true })).toBeVisible();
  expect(other.url()).toMatch(new RegExp(`/cases/${caseNumber}$`));
  expect(wasm).toContain('follow');
  await other.reload();
  await expect(other.getByRole('heading', { level: 1, name: '办理进度', exact: true })).toBeVisible();
  await other.context().close();

  // A shared phone can forget the receipt.
  await page.goto('/cases');
  await kept.getByRole('button', { name: `不在本机保存办件 ${caseNumber}` }).click();
  await expect(kept).toHaveCount(0);
  await expectFocusKept(page);
  await page.goto('/');
  await expect(page.getByRole('link', { name: /本机提交的申请/ })).toHaveCount(0);
});

test('容缺: a secondary material supplied later needs the pledge, and the receipt says when', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await page.goto('/');
  const front = save(testInfo.outputPath('正面.png'), await page.screenshot());
  const back = save(testInfo.outputPath('背面.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 200, height: 120 } }));
  const form = save(testInfo.outputPath('申请表.pdf'), await pdf(page, 1));

  await page.goto('/services/JT-003/apply');
  await page.getByLabel('姓名', { exact: true }).fill('李四');
  await page.getByLabel('身份证号码', { exact: true }).fill('440304200002291236');
  await page.getByLabel('手机号码', { exact: true }).fill('13712345678');
  await page.getByLabel('联系地址').fill('示范县和平街 6 号');
  await fillMatter(page);
  await page.getByLabel(/窗口领取/).check();
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();

  // Front and back, each in its side.
  await material(page, 'id_card').getByLabel('选择文件：居民身份证（人像面）').setInputFiles(front);
  await material(page, 'id_card').getByLabel('选择文件：居民身份证（国徽面）').setInputFiles(back);
  await material(page, 'photo').getByLabel(/选择文件/).setInputFiles(back);
  await material(page, 'application').getByLabel(/选择文件/).setInputFiles(form);
  await expect(material(page, 'id_card').locator('.file--done')).toHaveCount(2);
  await expect(material(page, 'photo').locator('.tag')).toHaveText('已完成');
  await expect(material(page, 'application').locator('.tag')).toHaveText('已完成');

  const later = material(page, 'safe_driving_record');
  await later.getByLabel(/容缺后补/).check();
  await expect(later.locator('.tag')).toHaveText('容缺后补');
  await expect(page.locator('#submit-blockers')).toContainText('需要先阅读并同意容缺受理承诺书');
  await expect(page.getByRole('region', { name: '容缺受理承诺书' })).toContainText('承诺在规定期限内补齐所列材料');
  await expect(page.getByRole('region', { name: '容缺受理承诺书' })).toContainText('受理后 5 个工作日内补交');
  await page.getByLabel('我已阅读并同意以上承诺').check();

  // Kept over a reload, like everything else.
  await page.reload();
  await expect(page.getByLabel('我已阅读并同意以上承诺')).toBeChecked();
  await page.getByRole('button', { name: '核对申请内容' }).click();
  await expect(page.locator('main')).toContainText('容缺后补');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '申请已提交' })).toBeVisible();
  await expect(page.locator('.receipt')).toContainText('请在受理后 5 个工作日内补交 1 项材料');
});
