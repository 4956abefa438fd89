import { expect, test, type Page } from '@playwright/test';
import { pdf, photo, save } from './files';

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

test('a full application: uploads, a reload mid-upload, review, submission and receipt', async ({ page }, testInfo) => {
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
  await page.getByLabel('身份证号码', { exact: true }).fill('11010519491231002X');
  await page.getByRole('button', { name: '保存并继续' }).click();

  // The task list: closed until complete, and it says why.
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
  const go = page.getByRole('button', { name: '核对申请内容' });
  await expect(go).toBeDisabled();
  await expect(page.locator('#submit-blockers')).toContainText('请上传“安全生产管理制度文本”');
  await expect(material(page, 'application').locator('.tag')).toHaveText('未上传');

  // A file whose name lies about its content is refused in the browser, with the reason.
  await material(page, 'driver_licences').getByLabel(/选择文件/).setInputFiles(lyingPath);
  await expect(material(page, 'driver_licences')).toContainText('名字是 PDF，内容却是 PNG');
  await expect(material(page, 'driver_licences').locator('.tag')).toHaveText('有问题');
  await material(page, 'driver_licences').getByRole('button', { name: '知道了' }).click();

  // A multi-page PDF and a screenshot.
  await material(page, 'application').getByLabel(/选择文件/).setInputFiles(formPath);
  await material(page, 'vehicle_pledge').getByLabel(/选择文件/).setInputFiles(screenshotPath);
  await material(page, 'driver_licences').getByLabel(/选择文件/).setInputFiles(screenshotPath);
  await expect(material(page, 'application').locator('.tag')).toHaveText('已完成');
  await expect(material(page, 'application')).toContainText('申请表.pdf');

  // The camera photo is compressed before it is sent.
  await material(page, 'applicant_id').getByLabel(/选择文件/).setInputFiles(cameraPath);
  await expect(material(page, 'applicant_id').locator('.tag')).toHaveText('已完成', { timeout: 30_000 });
  const done = material(page, 'applicant_id').locator('.file--done');
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
  await expect(page.locator('main')).toContainText('110***********002X');
  await expect(page.locator('main')).toContainText('138****5678');
  await expect(page.locator('main')).toContainText('安全生产管理制度.pdf');

  // A change from the review comes back to the review.
  await page.getByRole('link', { name: '修改：手机号码' }).click();
  await page.getByLabel('手机号码', { exact: true }).fill('13912345678');
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '核对申请内容' })).toBeVisible();
  await expect(page.locator('main')).toContainText('139****5678');

  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '申请已提交' })).toBeVisible();
  const caseNumber = (await page.locator('.receipt-banner .case-number').innerText()).trim();
  expect(caseNumber).toMatch(/^[ABCDEFGHJKLMNPRSTUVWXY2-9]{4}-[ABCDEFGHJKLMNPRSTUVWXY2-9]{4}$/);
  const receipt = page.locator('.receipt');
  await expect(receipt).toContainText('道路货物运输经营许可');
  await expect(receipt).toContainText('受理后 5 个工作日内办结');
  await expect(receipt).toContainText('0123-8201012');
  await expect(receipt).toContainText(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
  await expect(page.getByRole('button', { name: '打印回执' })).toBeVisible();
  // Personal data never travels in the address; the query code neither.
  const queryCode = (await receipt.locator('dd').nth(1).innerText()).trim();
  expect(page.url()).not.toContain(queryCode);
  expect(page.url()).not.toContain('13912345678');

  // The receipt survives a reload; the application is finished on this phone.
  await page.reload();
  await expect(page.locator('.receipt-banner .case-number')).toHaveText(caseNumber);
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
  await page.getByLabel(/窗口领取/).check();
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();

  // Front and back in one pick.
  await material(page, 'id_card').getByLabel(/选择文件/).setInputFiles([front, back]);
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
