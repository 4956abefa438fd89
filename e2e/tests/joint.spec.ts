import { expect, test, type Browser, type Page } from '@playwright/test';
import { bothModes, expectNoViolations } from './axe';
import { fillPersonDetails } from './details';
import { pdf, photo, save } from './files';

/**
 * 一件事一次办 on a phone inside WeChat: 开餐馆 (KB-001) applied for online with
 * one form, the ID card uploaded once for all three items and two materials
 * left for later (容缺); one submission; the lead department accepts after the
 * two others asked for supplements that reach the applicant as one notice;
 * the departments complete their parts in parallel in the staff console (办结
 * waiting for the 容缺 materials, which the applicant supplies from the status page); the
 * joint case completes and is rated. axe on every new page, in both modes.
 */

const TOKENS: Record<string, string> = JSON.parse(process.env.JOINT_TOKENS ?? '{}');
const LEAD = '县市场监督管理局';
const CITY = '县城市管理局';
const FIRE = '县消防救援大队';

/** A material's task on the task list or the supplement form (ids hold a dot: no `#id` selector). */
function material(page: Page, id: string) {
  return page.locator(`[id="material-${id}"]`);
}


/** The staff console of one department, on the centre's computer. */
async function console(browser: Browser, department: string): Promise<Page> {
  const staff = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await staff.goto('/staff');
  await staff.getByLabel('部门令牌').fill(TOKENS[department]);
  await staff.getByRole('button', { name: '登录' }).click();
  await expect(staff.locator('.signed-in')).toContainText(department);
  return staff;
}

async function open(staff: Page, caseNumber: string) {
  await staff.goto(`/staff/cases/${caseNumber}`);
  await expect(staff.getByRole('heading', { level: 1, name: `办件 ${caseNumber}` })).toBeVisible();
}

test('开餐馆 online: one form, one upload of the shared ID, one notice, parallel parts, one rating', async ({ page, browser }, testInfo) => {
  test.skip(Object.keys(TOKENS).length < 3, 'needs JOINT_TOKENS (cargo xtask test makes them)');
  test.setTimeout(180_000);
  await page.goto('/');
  const id = save(testInfo.outputPath('身份证.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 200 } }));
  const doc = save(testInfo.outputPath('材料.pdf'), await pdf(page, 1));
  const back = save(testInfo.outputPath('国徽面.jpg'), await photo(page, 640, 400, 0.8));

  // The one-time notice of the bundle, then one form for all three items.
  await page.goto('/bundles/KB-001/checklist?applicant_type=individual&cold_food=no&mode=new&own_building=yes&large=no&check_mode=inspection&needs_acceptance=no');
  await page.getByRole('link', { name: '开始网上申请' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '填写申请人信息' })).toBeVisible();
  await expect(page.locator('.caption')).toContainText('开餐馆（一件事）');
  await bothModes(page);
  await fillPersonDetails(page, '赵六', '示范县人民路 18 号');

  // One task list: the ID card once, marked with every item that uses it.
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
  const shared = material(page, 'SC-001.applicant_id');
  await expect(shared).toContainText('传一次，食品经营许可、户外广告设施设置审批、公众聚集场所投入使用、营业前消防安全检查都用这份');
  await expect(page.locator('.material-task').filter({ hasText: '申请人身份证' })).toHaveCount(1);
  await shared.getByLabel('选择文件：申请人身份证（人像面）').setInputFiles(id);
  await shared.getByLabel('选择文件：申请人身份证（国徽面）').setInputFiles(back);
  for (const key of ['SC-001.application', 'SC-001.layout', 'CG-001.application', 'CG-001.rendering',
    'XF-001.application', 'XF-001.floor_plan', 'XF-001.rules_and_plan']) {
    await material(page, key).getByLabel(/选择文件/).setInputFiles(key.endsWith('rendering') ? id : doc);
  }
  await expect(page.locator('.file--done')).toHaveCount(9);
  await material(page, 'SC-001.safety_rules').getByLabel(/容缺后补/).check();
  await expect(page.getByRole('region', { name: '容缺受理承诺书' })).toContainText('受理后 5 个工作日内补交');
  await page.getByLabel('我已阅读并同意以上承诺').check();
  await material(page, 'XF-001.training_record').getByLabel(/容缺后补/).check();
  await bothModes(page);
  await page.getByRole('button', { name: '核对申请内容' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '核对申请内容' })).toBeVisible();
  await bothModes(page);
  await page.getByRole('button', { name: '提交申请' }).click();

  // One receipt, one joint case number, the departments that work in parallel.
  await expect(page.getByRole('heading', { level: 1, name: '申请已提交' })).toBeVisible();
  const receipt = page.locator('.receipt');
  await expect(receipt).toContainText('牵头部门');
  await expect(receipt).toContainText(`户外广告设施设置审批：${CITY}`);
  const caseNumber = (await page.locator('.receipt-banner .case-number').innerText()).trim();
  await bothModes(page);

  // Two departments ask for supplements on their parts; the lead sends them as one notice.
  const lead = await console(browser, LEAD);
  await open(lead, caseNumber);
  await expect(lead.locator('.parts .part')).toHaveCount(3);
  // The other departments have not answered the lead yet (征求意见); silent past the deadline, they count as agreeing.
  await expect(lead.locator('.parts')).toContainText('征求意见：待答复');
  await expect(lead.locator('#case-status')).toContainText('逾期按缺席默认视为同意');
  // The lead reads every department's documents before accepting for all.
  const firePart = lead.locator('.part').filter({ hasText: FIRE });
  const fromFire = lead.waitForEvent('download');
  await firePart.getByRole('button', { name: /^下载 .*材料\.pdf$/ }).first().click();
  expect((await fromFire).suggestedFilename()).toBe('材料.pdf');
  const partOf = async (department: string) =>
    ((await lead.locator('.part').filter({ hasText: department }).locator('.hint').first().innerText()).match(/子件 (\S+)/) ?? [])[1];
  const [food, sign, safety] = [await partOf(LEAD), await partOf(CITY), await partOf(FIRE)];
  await expectNoViolations(lead);

  const city = await console(browser, CITY);
  await expect(city.getByRole('link', { name: new RegExp(sign) })).toBeVisible();
  await open(city, sign);
  await expect(city.locator('main')).toContainText('由牵头部门统一受理');
  await expect(city.locator('main')).toContainText('逾期未答复的，按缺席默认视为同意受理');
  await city.getByLabel('设施设计效果图', { exact: true }).check();
  // A reason is needed, said with the material's name (not its id).
  await city.getByRole('button', { name: '发送补正告知' }).click();
  await expect(city.getByRole('alert')).toContainText('请写明“设施设计效果图”需要补正的原因');
  await expect(city.getByLabel('“设施设计效果图”的补正原因')).toBeFocused();
  await city.getByLabel('“设施设计效果图”的补正原因').fill('效果图没有标注尺寸');
  await city.getByRole('button', { name: '发送补正告知' }).click();
  await expect(city.locator('main')).toContainText('等待牵头部门合并后一次告知申请人');
  await expectNoViolations(city);

  const fire = await console(browser, FIRE);
  await open(fire, safety);
  await fire.getByLabel('场所平面布置图和消防设施平面图', { exact: true }).check();
  await fire.getByLabel('“场所平面布置图和消防设施平面图”的补正原因').fill('没有标出安全出口');
  await fire.getByRole('button', { name: '发送补正告知' }).click();
  await expect(fire.locator('main')).toContainText('等待牵头部门合并后一次告知申请人');

  await open(lead, caseNumber);
  await expect(lead.locator('.parts')).toContainText('效果图没有标注尺寸');
  await expect(lead.locator('.parts')).not.toContainText('征求意见：待答复');
  // One notice, one deadline, confirmed with what the applicant will be told.
  await lead.getByLabel('补正期限（工作日）').fill('5');
  await lead.getByRole('button', { name: '发出补正告知（合并各部门的要求）' }).click();
  await expect(lead.getByRole('group', { name: '确认补正告知？' })).toContainText('须在 5 个工作日内补正');
  await lead.getByRole('button', { name: '确认补正告知' }).click();
  await expect(lead.locator('main')).toContainText('已发出的补正告知');
  await expect(lead.locator('#case-status')).toContainText('申请人须在');

  // The applicant supplies both in one place.
  await page.getByRole('link', { name: '查看办理进度' }).click();
  await expect(page.locator('.status-panel')).toContainText('需要补正材料');
  const asked = page.getByRole('region', { name: /补正告知/ });
  await expect(asked).toContainText('县城市管理局：效果图没有标注尺寸');
  await expect(asked).toContainText('县消防救援大队：没有标出安全出口');
  await asked.getByRole('link', { name: '上传补正材料' }).click();
  const supply = page.getByRole('region', { name: /补正告知/ });
  await expect(supply).toContainText('县城市管理局：效果图没有标注尺寸');
  await expect(supply).toContainText('逾期未补正的，视为撤回申请');
  await expect(supply).toContainText('县消防救援大队：没有标出安全出口');
  await expect(supply.locator('.material-task')).toHaveCount(2);
  await bothModes(page);
  await material(page, 'CG-001.rendering').getByLabel(/选择文件/).setInputFiles(id);
  await material(page, 'XF-001.floor_plan').getByLabel(/选择文件/).setInputFiles(doc);
  await expect(supply.locator('.file--done')).toHaveCount(2);
  await supply.getByRole('button', { name: '提交补正材料' }).click();
  await expect(page.locator('.status-panel')).toContainText('等待牵头部门审查');

  // The lead accepts the whole; the departments act on their parts in parallel.
  await open(lead, caseNumber);
  // The lead sees the 容缺 materials and the signed pledge before accepting for everyone.
  await expect(lead.locator('main')).toContainText('申请人已签署容缺受理承诺书');
  // And the situation answers in words, not codes.
  await expect(lead.locator('main')).toContainText('会制售冷食（凉菜、卤味、刺身、裱花蛋糕等）吗？');
  await lead.getByRole('button', { name: '受理', exact: true }).click();
  await lead.getByRole('button', { name: '确认受理' }).click();
  await expect(lead.locator('.status-panel__label')).toContainText('已受理');
  await open(city, sign);
  await city.getByRole('button', { name: '开始办理' }).click();
  // 办结 waits for the 容缺 materials, and the clerk is told why.
  await open(fire, safety);
  await fire.getByLabel('原因、结果或说明').fill('检查合格，许可证到窗口领取');
  await fire.getByRole('button', { name: '办结', exact: true }).click();
  await fire.getByRole('button', { name: '确认办结' }).click();
  await expect(fire.getByRole('alert')).toContainText('还有容缺材料没有补齐');
  await expect(fire.locator('.status-panel__label')).toContainText('已受理');
  // The applicant supplies them from the status page.
  await page.reload();
  // The top of the page says what is due and by when, with a way to the upload.
  await expect(page.locator('.status-panel')).toContainText(/请在 \d{4}年\d{1,2}月\d{1,2}日 前补交 2 项容缺材料/);
  await page.locator('.status-panel').getByRole('link', { name: '去补交材料' }).click();
  await expect(page).toHaveURL(/#supply$/);
  await page.getByRole('region', { name: '容缺材料：请补交下列材料' }).getByRole('link', { name: '上传容缺材料' }).click();
  const later = page.getByRole('region', { name: '容缺材料：请补交下列材料' });
  await material(page, 'SC-001.safety_rules').getByLabel(/选择文件/).setInputFiles(doc);
  await material(page, 'XF-001.training_record').getByLabel(/选择文件/).setInputFiles(doc);
  await expect(later.locator('.file--done')).toHaveCount(2);
  await later.getByRole('button', { name: '补交材料' }).click();
  // Back on the status page, nothing is asked any more.
  await expect(page.getByRole('heading', { level: 1, name: '办理进度' })).toBeVisible();
  await expect(later).toHaveCount(0);
  await fire.getByRole('button', { name: '办结', exact: true }).click();
  await fire.getByRole('button', { name: '确认办结' }).click();
  await expect(fire.locator('.status-panel__label')).toContainText('已办结');
  await city.getByLabel('原因、结果或说明').fill('准予设置');
  await city.getByRole('button', { name: '办结', exact: true }).click();
  await city.getByRole('button', { name: '确认办结' }).click();
  await expect(city.locator('.status-panel__label')).toContainText('已办结');

  await page.reload();
  await expect(page.locator('.status-panel')).toContainText('各部门办理中');
  await expect(page.locator('.parts .part')).toHaveCount(3);
  await expect(page.locator('.parts')).toContainText('已办结');
  await bothModes(page);

  await open(lead, food);
  await lead.getByLabel('原因、结果或说明').fill('准予许可，发给食品经营许可证');
  await lead.getByRole('button', { name: '办结', exact: true }).click();
  await lead.getByRole('button', { name: '确认办结' }).click();
  await expect(lead.locator('.status-panel__label')).toContainText('已办结');

  // The whole is complete, and rated once.
  await page.reload();
  await expect(page.locator('.status-panel')).toContainText('全部办结');
  await page.getByRole('region', { name: '评价这次服务' }).getByRole('link', { name: '去评价' }).click();
  const rating = page.getByRole('region', { name: '评价这次服务' });
  await rating.getByLabel('非常满意', { exact: true }).check();
  await rating.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('main')).toContainText('办结评价：非常满意');
});
