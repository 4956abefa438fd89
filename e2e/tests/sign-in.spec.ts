import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { attachDriverMaterials, pdf, save } from './files';
import { bothModes, expectNoViolations } from './axe';
import { fillMatter } from './details';

/**
 * Signing in with the province's identity service (a certified OpenID Connect
 * provider on loopback, its dev login) inside WeChat at 360 px: 我的办件, an
 * application whose name and ID number come from the verified identity and
 * are locked, a second application using the first one's ID card again, the
 * case in 我的办件 and opened without its query code, the consents and the
 * export, then signing out; deleting the account's data.
 */

/** At the provider's own pages: log in as `login` (any password) and consent. */
async function signInAtProvider(page: Page, login: string) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any');
  await page.locator('button[type="submit"]').click();
  // The consent page (the first sign-in of this client).
  await page.locator('button[type="submit"]').click();
}

test('sign in, apply with the verified identity locked, see the case in 我的办件, sign out', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto('/');
  const photo = save(testInfo.outputPath('照片.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 300, height: 400 } }));
  const back = save(testInfo.outputPath('背面.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 420 } }));
  const form = save(testInfo.outputPath('申请表.pdf'), await pdf(page, 2));

  // 我的办件 from the footer: signed out, it offers signing in and says it is optional.
  await page.getByRole('link', { name: '我的办件' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '我的办件' })).toBeVisible();
  const signIn = page.getByRole('link', { name: '用统一身份认证登录' });
  await expect(signIn).toBeVisible();
  await expect(page.locator('main')).toContainText('不登录也能办事');
  await bothModes(page);

  await signIn.click();
  await signInAtProvider(page, 'zhang');
  // Back on 我的办件, signed in: the verified name, masked.
  await expect(page).toHaveURL(/\/my$/);
  await expect(page.locator('.signed-in')).toContainText('张*丰');
  await expect(page.locator('.signed-in')).toContainText('110***********002X');
  await expect(page.locator('main')).toContainText('还没有办件');
  await bothModes(page);

  // The form: asked once, then name and ID number filled from the identity and locked, shown masked.
  await page.goto('/services/JT-003/apply');
  await page.getByRole('button', { name: '同意并自动填写' }).click();
  const verified = page.locator('.verified');
  await expect(verified).toContainText('张*丰');
  await expect(verified).toContainText('已通过统一身份认证核验，不能修改');
  await expect(page.getByLabel('姓名', { exact: true })).toHaveCount(0);
  await expect(page.getByLabel('身份证号码', { exact: true })).toHaveCount(0);
  await expectNoViolations(page);
  await page.getByLabel('手机号码', { exact: true }).fill('13812345678');
  await page.getByLabel('联系地址').fill('示范县人民路 88 号');
  await fillMatter(page);
  await page.getByLabel(/窗口领取/).check();
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
  await attachDriverMaterials(page, { photo, back, form });
  await page.getByRole('button', { name: '核对申请内容' }).click();
  await page.getByRole('button', { name: '提交申请' }).click();
  const caseNumber = (await page.locator('.receipt-banner .case-number').innerText()).trim();
  // Personal data never travels in the address.
  expect(page.url()).not.toContain('11010519491231002X');

  // A second application: the ID card from the first one, used again after a preview, not uploaded twice.
  await page.goto('/services/JT-003/apply');
  await expect(page.locator('.verified')).toContainText('张*丰');
  // The rest from the last application, on request.
  await page.getByRole('button', { name: '用上次申请的内容填写' }).click();
  await expect(page.getByLabel('联系地址')).toHaveValue('示范县人民路 88 号');
  await expect(page.getByLabel(/窗口领取/)).toBeChecked();
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
  await page.getByRole('button', { name: '同意并查看' }).click();
  const offers = page.locator('.earlier-files');
  await expect(offers.getByRole('link', { name: /^预览/ }).first()).toHaveAttribute('href', /\/api\/my\/materials\//);
  await expect(offers).not.toContainText('近期一寸免冠白底彩色照片');
  await expectNoViolations(page);
  await offers.getByRole('button', { name: /^使用 居民身份证：人像面/ }).click();
  await offers.getByRole('button', { name: /^使用 居民身份证：国徽面/ }).click();
  await expect(page.locator('#material-id_card')).toContainText('以前提交过的材料');
  await page.locator('#material-photo').getByLabel(/选择文件/).setInputFiles(photo);
  await page.locator('#material-application').getByLabel(/选择文件/).setInputFiles(form);
  await page.locator('#material-safe_driving_record').getByLabel(/选择文件/).setInputFiles(form);
  await expect(page.locator('.file--done')).toHaveCount(5);
  await page.getByRole('button', { name: '核对申请内容' }).click();
  await page.getByRole('button', { name: '提交申请' }).click();
  const secondNumber = (await page.locator('.receipt-banner .case-number').innerText()).trim();
  expect(secondNumber).not.toBe(caseNumber);

  // 我的办件 lists it; it opens without the query code.
  await page.goto('/my');
  const listed = page.locator('.my-cases li', { hasText: caseNumber });
  await expect(listed).toContainText('道路货物运输驾驶员从业资格证');
  await expectNoViolations(page);
  // 认领: a key of the wrong shape is refused in the browser, a wrong key by the server; what was typed stays.
  const claim = page.locator('form', { has: page.getByRole('button', { name: '认领' }) });
  await claim.getByRole('button', { name: '认领' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '请输入回执上的办件编号和查询码' })).toBeVisible();
  await claim.getByLabel('办件编号').fill('ABCD-EFGH');
  await claim.getByLabel('查询码').fill('JKLM-NPRS');
  await claim.getByRole('button', { name: '认领' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '办件编号或查询码不对' })).toBeVisible();
  await expect(claim.getByLabel('办件编号')).toHaveValue('ABCD-EFGH');
  // Another device's view: this phone's receipt forgotten, the session still opens the case.
  await page.evaluate((n) => localStorage.removeItem(`bianmin.draft.receipt.${n}`), caseNumber);
  await listed.getByRole('link').click();
  await expect(page.locator('main')).toContainText(caseNumber);
  await expect(page.getByLabel('查询码')).toHaveCount(0);

  // 我的数据: the consent given on the form is listed and can be withdrawn; the export is a download.
  await page.goto('/my');
  const prefill = page.locator('.consents li', { hasText: '自动填写' });
  await expect(prefill).toContainText('已同意');
  await prefill.getByRole('button', { name: /撤回/ }).click();
  await expect(prefill).toContainText('未同意');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: '数据文件（JSON）' }).click();
  const exported = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
  expect(exported.cases.map((c: { case_number: string }) => c.case_number)).toContain(caseNumber);

  // Signing out: the offer comes back.
  await page.getByRole('button', { name: '退出登录', exact: true }).click();
  await expect(page.getByRole('link', { name: '用统一身份认证登录' })).toBeVisible();
  const session = await page.evaluate(async () => (await fetch('/api/session')).json());
  expect(session.signed_in).toBe(false);
});

test('不是我: a phone left signed in, the form unlocks after signing out', async ({ page }) => {
  await page.goto('/my');
  await page.getByRole('link', { name: '用统一身份认证登录' }).click();
  await signInAtProvider(page, 'li');
  await expect(page.locator('.signed-in')).toContainText('李*');
  await page.goto('/services/JT-003/apply');
  await page.getByRole('button', { name: '同意并自动填写' }).click();
  await expect(page.locator('.verified')).toContainText('李*');
  await page.getByRole('button', { name: /不是我/ }).click();
  // Signed out; the fields are back, empty, and the name field has focus.
  const name = page.getByLabel('姓名', { exact: true });
  await expect(name).toBeFocused();
  await expect(name).toHaveValue('');
  await expect(page.getByLabel('身份证号码', { exact: true })).toHaveValue('');
  await expect(page.locator('.verified')).toHaveCount(0);
});

test('deleting the account data is confirmed first, then signs out everywhere', async ({ page }) => {
  await page.goto('/my');
  await page.getByRole('link', { name: '用统一身份认证登录' }).click();
  await signInAtProvider(page, 'li');
  await page.getByRole('button', { name: '删除账号数据' }).click();
  // The confirmation says what stays, and has focus.
  await expect(page.locator('#delete-heading')).toBeFocused();
  await expect(page.locator('main')).toContainText('办件本身按规定保留');
  await expectNoViolations(page);
  await page.getByRole('button', { name: '取消' }).click();
  await expect(page.getByRole('button', { name: '删除账号数据' })).toBeFocused();
  await page.getByRole('button', { name: '删除账号数据' }).click();
  await page.getByRole('button', { name: '确定删除' }).click();
  await expect(page.getByRole('link', { name: '用统一身份认证登录' })).toBeVisible();
  const session = await page.evaluate(async () => (await fetch('/api/session')).json());
  expect(session.signed_in).toBe(false);
});

test('代办: an agent signs in and applies for a principal; both see who applied for whom', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto('/');
  const letter = save(testInfo.outputPath('授权委托书.pdf'), await pdf(page, 1));

  await page.goto('/my');
  await page.getByRole('link', { name: '用统一身份认证登录' }).click();
  await signInAtProvider(page, 'zhang');
  await page.goto('/services/JT-001/apply?applicant_type=individual&agent=yes&vehicles_owned=0&heavy=no');
  await page.getByRole('button', { name: '同意并自动填写' }).click();
  // The agent's part is the signed-in agent's, locked; the principal is typed.
  await expect(page.locator('.verified')).toContainText('张*丰');
  await expect(page.getByLabel('代理人姓名')).toHaveCount(0);
  await page.getByLabel('姓名', { exact: true }).fill('李四');
  await page.getByLabel('身份证号码', { exact: true }).fill('110101198805123010');
  await page.getByLabel('手机号码', { exact: true }).fill('13912345678');
  await page.getByLabel('联系地址').fill('示范县和平街 6 号');
  await page.getByLabel('代理人手机号码').fill('13812345678');
  await page.getByLabel('申请经营范围').selectOption('general');
  await page.getByLabel('计划开业日期').fill('2027-03-01');
  await page.getByLabel('计划投入车辆总数').fill('2');
  await page.getByLabel(/窗口领取/).check();
  await page.getByRole('button', { name: '保存并继续' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();
  // The authorisation letter is asked for; every material as a PDF.
  await expect(page.locator('#material-authorisation')).toContainText('授权委托书');
  const ids = ['application', 'applicant_id', 'vehicle_pledge', 'driver_licences', 'safety_rules', 'authorisation', 'agent_id'];
  for (const id of ids) {
    await page.locator(`#material-${id}`).getByLabel(/选择文件/).first().setInputFiles(letter);
  }
  await expect(page.locator('.file--done')).toHaveCount(ids.length);
  await page.getByRole('button', { name: '核对申请内容' }).click();
  await page.getByRole('button', { name: '提交申请' }).click();
  const caseNumber = (await page.locator('.receipt-banner .case-number').innerText()).trim();

  await page.goto('/my');
  const mine = page.locator('.my-cases li', { hasText: caseNumber });
  await expect(mine).toContainText('由代理人 张*丰 代 李* 申请');

  // The principal, on another phone, signed in: the case is theirs too.
  const other = await (await browser.newContext()).newPage();
  await other.goto('/my');
  await other.getByRole('link', { name: '用统一身份认证登录' }).click();
  await signInAtProvider(other, 'li');
  const theirs = other.locator('.my-cases li', { hasText: caseNumber });
  await expect(theirs).toContainText('由代理人 张*丰 代 李* 申请');
  await theirs.getByRole('link').click();
  await expect(other.locator('main')).toContainText('代办');
  await expectNoViolations(other);
});
