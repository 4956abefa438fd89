import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server } from 'node:net';
import * as tus from 'tus-js-client';
import { pdf, save } from './files';
import { fillPersonDetails } from './details';

/**
 * The crash drill: a real bianmin process is killed with SIGKILL while a PATCH
 * is streaming, and started again on the same data. The reference client
 * (tus-js-client, its default retry delays) and the app itself both resume
 * within 10 s of the restart — at the same address, from past the start, with
 * no second upload made — and the server has the whole file.
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

/**
 * A proxy to `port` that passes on what the client sends at `bytesPerSecond`:
 * on loopback a PATCH would otherwise finish before a kill could land in it.
 */
async function slowProxy(
  port: number,
  bytesPerSecond: number,
  passed: (total: number) => void,
): Promise<{ port: number; server: Server }> {
  let total = 0;
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.pipe(client);
    client.on('data', (data: Buffer) => {
      client.pause();
      upstream.write(data, () => {
        total += data.length;
        passed(total);
        setTimeout(() => client.resume(), (data.length / bytesPerSecond) * 1000);
      });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server }));
  });
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
    // The client's bytes go through at 4 MB/s; when the server has had 5.5 MB (in the middle of
    // the second PATCH, by the proxy's own count: the client's progress events come too late) it dies.
    let restartedAt = 0;
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    const proxy = await slowProxy(port, 4 * MB, (total) => {
      if (!killing && total > 5.5 * MB) {
        killing = kill(server).then(async () => {
          killedAt = Date.now();
          server = await start(port, data);
          restartedAt = Date.now();
        });
      }
    });
    const bytes = Buffer.alloc(8 * MB, 7);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);

    // Every request the client makes and what came back: to show it resumed, not started again.
    const seen: { method: string; url: string; at: number; offset: string | null; sentOffset: string | null }[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      const upload = new tus.Upload(bytes, {
        endpoint: `http://127.0.0.1:${proxy.port}/api/uploads/`,
        chunkSize: 4 * MB,
        headers: { 'Application-Key': key },
        onAfterResponse: (request, response) => {
          seen.push({
            method: request.getMethod(), url: request.getURL(), at: Date.now(),
            offset: response.getHeader('Upload-Offset') ?? null, sentOffset: request.getHeader('Upload-Offset') ?? null,
          });
        },
        metadata: { item: 'JT-003', material: 'id_card', filename: '正面.png' },
        // retryDelays: the default, [0, 1000, 3000, 5000].
        onSuccess: () => resolve(upload.url ?? ''),
        onError: reject,
      });
      upload.start();
    });
    await killing;
    expect(restartedAt).toBeGreaterThan(0);
    expect(Date.now() - restartedAt, 'resumed and finished within 10 s of the restart').toBeLessThan(10_000);
    // Resumed: one upload made, never again; after the restart the client asked where it stood,
    // was told more than nothing, and went on from there at the same address.
    expect(seen.filter((r) => r.method === 'POST').length).toBe(1);
    // (Any answer after the kill came from the restarted server.)
    const after = seen.filter((r) => r.at >= killedAt);
    const asked = after.find((r) => r.method === 'HEAD');
    expect(asked, 'a HEAD after the restart').toBeDefined();
    expect(Number(asked!.offset)).toBeGreaterThan(0);
    expect(Number(asked!.offset)).toBeLessThan(8 * MB);
    const patches = after.filter((r) => r.method === 'PATCH');
    expect(patches.length).toBeGreaterThan(0);
    expect(patches[0].sentOffset).toBe(asked!.offset);
    expect(seen.filter((r) => r.method !== 'POST').every((r) => r.url === url)).toBe(true);
    proxy.server.close();
    const head = await fetch(`${base}/api/uploads/${url.split('/').pop()}`, {
      method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0', 'Application-Key': key },
    });
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
    let patching = 0;
    let restarted = false;
    const posts: string[] = [];
    const resumed: { method: string; url: string; offset: string | undefined }[] = [];
    page.on('request', (request) => {
      if (!request.url().includes('/api/uploads')) return;
      if (request.method() === 'PATCH') patching += 1;
      if (request.method() === 'POST') posts.push(request.url());
      if (restarted && request.method() === 'PATCH') resumed.push({ method: 'PATCH', url: request.url(), offset: request.headers()['upload-offset'] });
    });
    page.on('response', (response) => {
      const request = response.request();
      if (restarted && request.method() === 'HEAD' && request.url().includes('/api/uploads/') && response.ok()) {
        resumed.push({ method: 'HEAD', url: request.url(), offset: response.headers()['upload-offset'] });
      }
    });
    const material = page.locator('#material-application');
    await material.getByLabel(/选择文件/).setInputFiles(path);
    // The second chunk is on its way (the first, 5 MB, was taken): then the process dies.
    await expect.poll(() => patching, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await page.waitForTimeout(500);
    await kill(server);
    // Any request from now on that gets an answer reaches the restarted server.
    restarted = true;
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    server = await start(port, data);
    // Nobody touches anything: the app's own retries find the server again.
    await expect(material.locator('.tag')).toHaveText('已完成', { timeout: 10_000 });
    await expect(material.locator('.file--done')).toContainText('扫描件.pdf');
    // It resumed: one upload made; after the restart the PATCHes went on past the start, at the
    // same address (from where a HEAD said the server had it, when it asked).
    expect(posts.length).toBe(1);
    const patches = resumed.filter((r) => r.method === 'PATCH');
    expect(patches.length).toBeGreaterThan(0);
    expect(Number(patches[0].offset)).toBeGreaterThan(0);
    const head = resumed.find((r) => r.method === 'HEAD');
    if (head) expect(Number(head.offset)).toBeGreaterThan(0);
    expect(new Set(resumed.map((r) => r.url)).size).toBe(1);
    await kill(server);
  });
});
