import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import * as tus from 'tus-js-client';
import { pdf, save } from './files';
import { fillPersonDetails } from './details';

/**
 * The crash drill: a real bianmin process is killed with SIGKILL while a PATCH
 * is streaming, and started again on the same data. The reference client
 * (tus-js-client, its default retry delays) and the app itself both resume
 * within 10 s of the restart, and the server has the whole file.
 */

const BIN = process.env.BIANMIN_BIN ?? '';
const ROOT = process.env.REPO_ROOT ?? '';
const MB = 1024 * 1024;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A bianmin of our own over `data`, up and healthy. */
async function start(port: number, data: string): Promise<ChildProcess> {
  // SQLite and files in `data`: no DATABASE_URL from the caller's environment.
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const child = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', data,
    '--catalog', join(ROOT, 'catalog'), '--dist', join(ROOT, 'dist')], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...env, RUST_LOG: 'warn', BIANMIN_UPLOADS_PER_MINUTE: '100000', BIANMIN_KEYS_PER_MINUTE: '100000', BIANMIN_SUBMISSIONS_PER_HOUR: '100000', BIANMIN_DRAFTS_PER_HOUR: '100000' },
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return child;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('bianmin did not start');
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test.describe('a server killed mid-upload', () => {
  test.skip(!BIN || !ROOT, 'needs BIANMIN_BIN and REPO_ROOT (cargo xtask test sets them)');

  test('tus-js-client with its default retry delays resumes within 10 s and the server has every byte', async () => {
    test.setTimeout(60_000);
    const port = await freePort();
    const data = mkdtempSync(join(tmpdir(), 'bianmin-crash-'));
    const base = `http://127.0.0.1:${port}`;
    let server = await start(port, data);
    const key = (await (await fetch(`${base}/api/application-keys`, { method: 'POST' })).json()).application_key;
    const bytes = Buffer.alloc(8 * MB, 7);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);

    let restartedAt = 0;
    let killing: Promise<void> | undefined;
    const url = await new Promise<string>((resolve, reject) => {
      const upload = new tus.Upload(bytes, {
        endpoint: `${base}/api/uploads/`,
        chunkSize: 4 * MB,
        headers: { 'Application-Key': key },
        metadata: { item: 'JT-003', material: 'id_card', filename: '正面.png' },
        // retryDelays: the default, [0, 1000, 3000, 5000].
        onProgress: (sent) => {
          if (!killing && sent > 5 * MB) {
            // In the middle of the second PATCH: the process dies.
            killing = kill(server).then(async () => {
              server = await start(port, data);
              restartedAt = Date.now();
            });
          }
        },
        onSuccess: () => resolve(upload.url ?? ''),
        onError: reject,
      });
      upload.start();
    });
    await killing;
    expect(restartedAt).toBeGreaterThan(0);
    expect(Date.now() - restartedAt, 'resumed and finished within 10 s of the restart').toBeLessThan(10_000);
    const head = await fetch(url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0', 'Application-Key': key } });
    expect(head.headers.get('upload-offset')).toBe(String(8 * MB));
    const id = url.split('/').pop();
    const check = await fetch(`${base}/api/upload-checks`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'Application-Key': key }, body: JSON.stringify({ upload: id }),
    });
    expect(check.status).toBe(200);
    expect((await check.json()).size).toBe(8 * MB);
    await kill(server);
  });

  test('the app resumes by itself within 10 s of the restart', async ({ page }, testInfo) => {
    test.setTimeout(90_000);
    const port = await freePort();
    const data = mkdtempSync(join(tmpdir(), 'bianmin-crash-app-'));
    const base = `http://127.0.0.1:${port}`;
    let server = await start(port, data);
    await page.goto(`${base}/`);
    const scan = await pdf(page, 2);
    const big = Buffer.concat([scan, Buffer.alloc(Math.max(0, 9 * MB - scan.length), 32)]);
    const path = save(testInfo.outputPath('扫描件.pdf'), big);

    await page.goto(`${base}/services/JT-003/apply`);
    await fillPersonDetails(page, '钱七', '示范县和平街 10 号');
    await expect(page.getByRole('heading', { level: 1, name: '上传材料并提交' })).toBeVisible();

    // A slow uplink, so the server dies while a chunk is on its way.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * MB });
    let patching = false;
    page.on('request', (request) => {
      if (request.method() === 'PATCH' && request.url().includes('/api/uploads/')) patching = true;
    });
    const material = page.locator('#material-application');
    await material.getByLabel(/选择文件/).setInputFiles(path);
    await expect.poll(() => patching, { timeout: 20_000 }).toBe(true);
    await page.waitForTimeout(1000);
    await kill(server);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    server = await start(port, data);
    // Nobody touches anything: the app's own retries find the server again.
    await expect(material.locator('.tag')).toHaveText('已完成', { timeout: 10_000 });
    await expect(material.locator('.file--done')).toContainText('扫描件.pdf');
    await kill(server);
  });
});
