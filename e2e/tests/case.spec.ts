import { readFileSync } from 'node:fs';
import { expect, test, type Page, type Request } from '@playwright/test';
import { expectNoViolations } from './axe';
import { attachDriverMaterials, pdf, save } from './files';
import { fillPersonDetails } from './details';

/**
 * After submission: the department asks for a supplement through the staff API,
 * the applicant uploads it from the status page, the staff console completes the
 * case, the applicant rates it, and the public figures count it.
 */

const TOKEN = process.env.STAFF_TOKEN ?? '';
const DEPARTMENT = '县交通运输局';

async function transportFigures(page: Page) {
  const all = await (await page.request.get('/api/figures')).json();
  return all.departments.find((d: { department: string }) => d.department === DEPARTMENT) ?? { completed: 0, ratings: 0 };
}

test('supplement, completion in the staff console, rating and the public figures', async ({ page, browser }, testInfo) => {
  test.skip(!TOKEN, 'needs STAFF_TOKEN (cargo xtask test makes one)');
  test.setTimeout(120_000);
  await page.goto('/');
  const before = await transportFigures(page);
  const photo = save(testInfo.outputPath('照片.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 400 } }));
  const back = save(testInfo.outputPath('背面.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 420 } }));
  const form = save(testInfo.outputPath('申请表.pdf'), await pdf(page, 2));

  // Apply for the driver's qualification (JT-003) with every material.
  await page.goto('/services/JT-003/apply');
  await fillPersonDetails(page, '王五', '示范县和平街 8 号', true);
  await attachDriverMaterials(page, { photo, back, form });
  await page.getByRole('button', { name: '核对申请内容' }).click();
  await page.getByRole('button', { name: '提交申请' }).click();
  const caseNumber = (await page.locator('.receipt-banner .case-number').innerText()).trim();
  // The receipt's QR code opens the status page on a phone, to follow and rate the case.
  const code = page.getByRole('img', { name: /^二维码/ });
  await expect.poll(() => code.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  // The staff console, on the centre's computer: sign in and open the case.
  const staff = await (await browser.newContext({ viewport: { width: 1024, height: 800 } })).newPage();
  await staff.goto('/staff');
  await staff.getByLabel('部门令牌').fill('wrong');
  await staff.getByRole('button', { name: '登录' }).click();
  await expect(staff.getByRole('alert')).toContainText('部门令牌无效');
  await staff.getByLabel('部门令牌').fill(TOKEN);
  await staff.getByRole('button', { name: '登录' }).click();
  // The clerk's header names the department and the token's holder.
  await expect(staff.locator('.signed-in')).toContainText(`${DEPARTMENT} · e2e`);
  // A clerk's header: the console's name, no elderly-mode switch.
  await expect(staff.locator('.brand-sub')).toHaveText('工作人员办件台');
  await expect(staff.getByRole('button', { name: /长辈模式/ })).toHaveCount(0);
  // Found by the applicant's name (the row names them masked), not by scrolling.
  await staff.getByLabel('查找办件').fill('王五');
  await staff.getByRole('button', { name: '查找', exact: true }).click();
  const row = staff.getByRole('row', { name: new RegExp(caseNumber) });
  await expect(row).toContainText('王*');
  await expectNoViolations(staff);
  await row.getByRole('link', { name: caseNumber }).click();
  await expect(staff.getByRole('heading', { level: 1, name: `办件 ${caseNumber}` })).toBeVisible();
  await expect(staff.locator('.file-list')).toContainText('近期一寸免冠白底彩色照片');
  // What the applicant gave besides who they are: how the result goes to them.
  await expect(staff.locator('main')).toContainText('领取方式');
  // The clerk asks for a better photo: the reason and a deadline, confirmed with what the applicant is told.
  await staff.getByLabel('近期一寸免冠白底彩色照片', { exact: true }).check();
  await staff.getByLabel('“近期一寸免冠白底彩色照片”的补正原因').fill('照片背景不是白色，请重新拍摄');
  await staff.getByLabel('补正期限（工作日）').fill('5');
  await staff.getByRole('button', { name: '发送补正告知' }).click();
  await expect(staff.getByRole('group', { name: '确认补正告知？' })).toContainText('须在 5 个工作日内补正 1 项材料');
  await staff.getByRole('button', { name: '确认补正告知' }).click();
  await expect(staff.locator('#case-status')).toContainText('申请人须在');
  await expect(staff.locator('#case-status')).toBeFocused();
  await expect(staff.locator('.timeline')).toContainText('近期一寸免冠白底彩色照片（照片背景不是白色，请重新拍摄）');

  // The applicant sees exactly what to fix and uploads only that.
  await page.getByRole('link', { name: '查看办理进度' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '办理进度' })).toBeVisible();
  await expect(page.locator('.status-panel')).toContainText('需要补正材料');
  const asked = page.getByRole('region', { name: /补正告知/ });
  await expect(asked).toContainText('照片背景不是白色，请重新拍摄');
  await expect(asked).toContainText('逾期未补正的，视为撤回申请');
  // The uploads are their own page (the status page carries no upload code).
  await asked.getByRole('link', { name: '上传补正材料' }).click();
  await expect(page).toHaveURL(/\/cases\/[^/]+\/supply$/);
  await expect(page.getByRole('heading', { level: 1, name: '补交材料' })).toBeVisible();
  const supply = page.getByRole('region', { name: /补正告知/ });
  await expect(supply).toContainText('照片背景不是白色，请重新拍摄');
  await expect(supply.locator('.material-task')).toHaveCount(1);
  await expect(supply).toContainText('逾期未补正的，视为撤回申请');
  await expectNoViolations(page);
  await supply.locator('#material-photo').getByLabel(/选择文件/).setInputFiles(photo);
  await expect(supply.locator('.file--done')).toHaveCount(1);
  await supply.getByRole('button', { name: '提交补正材料' }).click();
  // Sent: back on the status page.
  await expect(page).toHaveURL(/\/cases\/[^/]+$/);
  await expect(page.locator('.status-panel')).toContainText('已提交，等待审查');
  await expect(page.locator('.timeline')).toContainText('补正材料后重新提交');
  expect(page.url()).not.toContain('query');
  // Opened again later (a reload, WeChat coming back): the case is asked for
  // while the page's wasm is still on its way, and only once.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route(/\.wasm$/, async (route) => { await held; await route.continue(); });
  const lookups: string[] = [];
  const count = (request: Request) => { if (request.url().endsWith('/api/cases/lookup')) lookups.push(request.method()); };
  page.on('request', count);
  const early = page.waitForRequest(/\/api\/cases\/lookup$/);
  await page.goto(`/cases/${caseNumber}`);
  await early;
  release();
  await expect(page.locator('.status-panel')).toContainText('已提交，等待审查');
  page.off('request', count);
  await page.unroute(/\.wasm$/);
  expect(lookups).toEqual(['POST']);
  // So do the pages beside it, each its own bundle, before their wasm.
  await page.route(/\.wasm$/, (route) => route.abort());
  for (const beside of ['supply', 'feedback']) {
    const asked = page.waitForRequest(/\/api\/cases\/lookup$/);
    await page.goto(`/cases/${caseNumber}/${beside}`);
    await asked;
  }
  await page.unroute(/\.wasm$/);
  await page.goto(`/cases/${caseNumber}`);
  await expect(page.locator('.status-panel')).toContainText('已提交，等待审查');

  // Back in the console: the photo supplied is marked as the first 补正, with when.
  await staff.reload();
  await expect(staff.locator('.file__meta--supplied')).toHaveCount(1);
  await expect(staff.locator('.file__meta--supplied')).toContainText('第 1 次补正');
  // The clerk looks at the new photo and the form in the page, without saving them.
  const previewPhoto = staff.getByRole('button', { name: /^预览 近期一寸免冠白底彩色照片：/ }).last();
  await previewPhoto.click();
  await expect(previewPhoto).toHaveAttribute('aria-expanded', 'true');
  const shown = staff.getByRole('img', { name: /^预览：近期一寸免冠白底彩色照片：/ });
  await expect(shown).toBeVisible();
  await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expectNoViolations(staff);
  await previewPhoto.click();
  await expect(shown).toHaveCount(0);
  // A PDF opens in a new tab, in the browser's own viewer.
  const tab = staff.waitForEvent('popup');
  await staff.getByRole('button', { name: '预览 道路货物运输驾驶员从业资格考试申请表：申请表.pdf' }).click();
  const viewer = await tab;
  await expect.poll(() => viewer.url()).toMatch(/^blob:/);
  await viewer.close();
  await expectNoViolations(staff);
  const download = staff.waitForEvent('download');
  await staff.getByRole('button', { name: '下载 道路货物运输驾驶员从业资格考试申请表：申请表.pdf' }).click();
  expect((await download).suggestedFilename()).toBe('申请表.pdf');
  // A decision is confirmed first, saying what the applicant will be told; then focus is on the new status.
  await staff.getByRole('button', { name: '受理', exact: true }).click();
  const confirm = staff.getByRole('group', { name: '确认受理？' });
  await expect(confirm).toContainText('申请人会收到受理通知');
  await expect(staff.getByRole('button', { name: '确认受理' })).toBeFocused();
  await expectNoViolations(staff);
  await staff.getByRole('button', { name: '确认受理' }).click();
  await expect(staff.locator('.status-panel__label')).toContainText('已受理');
  await expect(staff.locator('#case-status')).toBeFocused();
  // The acceptance may be rated (受理评价): here on the window's pad, handed over by the clerk.
  await page.reload();
  await expect(page.getByRole('region', { name: '评价受理服务' })).toBeVisible();
  await staff.goto('/staff/pad');
  await staff.getByLabel('办件编号').fill(caseNumber);
  await staff.getByRole('button', { name: '打开评价' }).click();
  const pad = staff.getByRole('region', { name: '请为本次服务评价' });
  await expect(pad).toContainText('王*');
  await expectNoViolations(staff);
  await pad.getByLabel('非常满意', { exact: true }).check();
  await pad.getByRole('button', { name: '提交评价' }).click();
  await expect(staff.getByRole('status')).toContainText('谢谢您的评价！（受理评价已记录）');
  await expect(staff.getByLabel('办件编号')).toBeVisible();
  await page.reload();
  await expect(page.locator('main')).toContainText('受理评价：非常满意');
  await expect(page.getByRole('region', { name: '评价受理服务' })).toHaveCount(0);
  await staff.goto(`/staff/cases/${caseNumber}`);
  await expect(staff.getByRole('heading', { level: 1, name: `办件 ${caseNumber}` })).toBeVisible();
  // The law's paperwork: the acceptance issues its numbered 受理通知书.
  await expect(staff.locator('.documents')).toContainText('县交通运输局受〔');
  const notice = staff.waitForEvent('download');
  await staff.getByRole('button', { name: '下载 PDF：受理通知书' }).click();
  expect((await notice).suggestedFilename()).toMatch(/^受理通知书.*\.pdf$/);
  // The 申请表 printed from what the applicant typed, for signing at the window.
  const printedForm = staff.waitForEvent('download');
  await staff.getByRole('button', { name: '下载 PDF：申请表' }).click();
  expect((await printedForm).suggestedFilename()).toBe(`申请表${caseNumber}.pdf`);
  await staff.getByRole('button', { name: '开始办理' }).click();
  await expect(staff.locator('.status-panel__label')).toContainText('办理中');
  // Completing needs a result: said plainly, nothing lost.
  await staff.getByRole('button', { name: '办结', exact: true }).click();
  await staff.getByRole('button', { name: '确认办结' }).click();
  await expect(staff.getByRole('alert')).toContainText('办结要写明办理结果');
  await staff.getByLabel('原因、结果或说明').fill('准予许可，从业资格证已制作，邮寄送达');
  // The decision as the law records it: its document number and the certificate issued.
  await staff.getByLabel('准予许可', { exact: true }).check();
  await staff.getByLabel('决定书文号').fill('示交运许〔2026〕12号');
  await staff.getByLabel('证照名称（不发证照的不填）').fill('道路运输从业人员从业资格证');
  await staff.getByLabel('证照编号').fill('3201002026000123');
  await expectNoViolations(staff);
  await staff.getByRole('button', { name: '办结', exact: true }).click();
  await expect(staff.getByRole('group', { name: '确认办结？' })).toContainText('办理结果：准予许可，从业资格证已制作，邮寄送达');
  await expect(staff.getByRole('group', { name: '确认办结？' })).toContainText('发给道路运输从业人员从业资格证 3201002026000123，长期有效');
  await staff.getByRole('button', { name: '确认办结' }).click();
  await expect(staff.locator('.status-panel__label')).toContainText('已办结');
  // The month's ledger: one line for the case, with its decision, the applicant masked.
  await staff.getByRole('button', { name: '返回列表' }).click();
  await staff.locator('.ledger summary').click();
  const ledger = staff.waitForEvent('download');
  await staff.locator('.ledger').getByRole('button', { name: '导出台账' }).click();
  const saved = await ledger;
  expect(saved.suggestedFilename()).toMatch(/^县交通运输局台账.*\.csv$/);
  const lines = readFileSync((await saved.path())!, 'utf8').split('\r\n');
  const line = lines.find((l) => l.startsWith(caseNumber))!;
  expect(line).toContain('王*');
  expect(line).toContain('示交运许〔2026〕12号');
  expect(line).not.toContain('13712345678');
  await expectNoViolations(staff);

  // The applicant rates it; an unhappy rating would need a reason.
  await page.reload();
  await expect(page.locator('.status-panel')).toContainText('已办结');
  await expect(page.locator('main')).toContainText('准予许可，从业资格证已制作');
  await expect(page.locator('main')).toContainText('准予许可（示交运许〔2026〕12号）');
  // The applicant has the written notices and the decision too.
  const papers = page.getByRole('region', { name: '文书' });
  await expect(papers).toContainText('受理通知书');
  await expect(papers).toContainText('准予许可决定书');
  const copy = page.waitForEvent('download');
  await papers.getByRole('button', { name: '下载 PDF：受理通知书' }).click();
  expect((await copy).suggestedFilename()).toMatch(/^受理通知书.*\.pdf$/);
  // Rating has its own page, opened from the status page.
  await expectNoViolations(page);
  await page.getByRole('region', { name: '评价这次服务' }).getByRole('link', { name: '去评价' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '评价和投诉' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/cases/${caseNumber}/feedback$`));
  const rating = page.getByRole('region', { name: '评价这次服务' });
  await expectNoViolations(page);
  await rating.getByLabel('不满意', { exact: true }).check();
  await rating.getByRole('button', { name: '提交评价' }).click();
  await expect(rating.getByRole('alert')).toContainText('请写下原因');
  await rating.getByLabel('办事效率（可不选）').selectOption('2');
  await rating.getByLabel('原因或建议').fill('补正时没有一次说清楚，多跑了一趟');
  await rating.getByRole('button', { name: '提交评价' }).click();
  // Recorded: back on the status page, which says so.
  await expect(page).toHaveURL(new RegExp(`/cases/${caseNumber}$`));
  await expect(page.locator('main')).toContainText('办结评价：不满意');

  // The 差评 is the department's work order on the case page; the reply reaches the applicant.
  await staff.goto(`/staff/cases/${caseNumber}`);
  const order = staff.locator('.work-order');
  await expect(order).toContainText('差评：补正时没有一次说清楚');
  await order.getByLabel('给申请人的答复').fill('已核实：补正告知漏写了照片要求，已更新材料清单并提醒窗口一次告知。');
  await order.getByRole('button', { name: '发送答复' }).click();
  await expect(staff.locator('.work-order')).toContainText('已答复');
  await expectNoViolations(staff);
  await page.reload();
  await expect(page.locator('.timeline')).toContainText('答复差评');
  await expect(page.locator('.timeline')).toContainText('已更新材料清单');
  // After the answer the applicant may rate again; the second rating stands.
  await page.getByRole('region', { name: '部门已答复，欢迎再次评价' }).getByRole('link', { name: '去评价' }).click();
  const again = page.getByRole('region', { name: '部门已答复，欢迎再次评价' });
  await again.getByLabel('满意', { exact: true }).check();
  await again.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('main')).toContainText('办结评价：满意');
  // A complaint about the case, from 联系办理部门: the same page, at its complaint; checked before it is sent.
  await page.getByRole('link', { name: '网上投诉' }).click();
  await expect(page.getByRole('heading', { level: 2, name: '我要投诉' })).toBeFocused();
  await expect(page.getByRole('region', { name: /评价/ })).toHaveCount(0);
  await expect(page.locator('main')).toContainText('您已经评价过了');
  await page.getByLabel('投诉内容').fill('慢');
  await page.getByRole('button', { name: '提交投诉' }).click();
  await expect(page.getByRole('alert')).toContainText('请写下投诉的事情，至少5个字');
  await page.getByLabel('投诉内容').fill('补正告知没有一次说清楚，多跑了一趟窗口');
  await page.getByRole('button', { name: '提交投诉' }).click();
  await expect(page.getByRole('status').filter({ hasText: '投诉已收到' })).toContainText(/编号 \S+/);
  await expectNoViolations(page);
  // The complaint is the department's work order too; the department records the 差评's 回访.
  await staff.reload();
  await expect(staff.locator('.work-order').filter({ hasText: '投诉：' })).toContainText('补正告知没有一次说清楚，多跑了一趟窗口');
  const unhappy = staff.locator('.work-order').filter({ hasText: '差评：' });
  await unhappy.getByLabel('回访满意').check();
  await unhappy.getByRole('button', { name: '记录回访结果' }).click();
  await expect(unhappy).toContainText('回访满意（');
  await expectNoViolations(staff);

  // The public figures count it.
  await page.goto('/figures');
  const card = page.getByRole('region', { name: DEPARTMENT });
  await expect(card).toContainText(`办结${before.completed + 1} 件`);
  await expect(card).toContainText(`${before.ratings + 1} 条评价`);
  await expectNoViolations(page);
});

test('look-up by typing the case number and query code; wrong codes get one plain answer', async ({ page }) => {
  await page.goto('/cases');
  await page.getByLabel('办件编号').fill('ABCD-EFGH');
  await page.getByLabel('查询码').fill('JKLM-NPRS');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.getByRole('alert')).toContainText('办件编号或查询码不对');
  await page.getByLabel('查询码').fill('');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.getByRole('alert')).toContainText('请输入回执上的办件编号和查询码');
  await expect(page.getByLabel('办件编号')).toHaveValue('ABCD-EFGH');
});
