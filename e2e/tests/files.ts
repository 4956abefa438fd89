import { expect, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';

/**
 * Real files for uploads, made by the browser itself: a camera-sized JPEG, PNG
 * screenshots, and PDFs printed by Chromium (several pages, optionally "scanned":
 * each page a big photo, as a company's scanner makes them).
 */

/** A noisy photo of `width` × `height` as JPEG bytes (noise does not compress, like a real sensor's). */
export async function photo(page: Page, width: number, height: number, quality: number): Promise<Buffer> {
  const base64 = await page.evaluate(async ([w, h, q]) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const context = canvas.getContext('2d')!;
    const image = context.createImageData(w, h);
    let seed = 12345;
    for (let i = 0; i < image.data.length; i += 4) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const shade = (i / 4) % w / w * 160;
      image.data[i] = shade + (seed & 63);
      image.data[i + 1] = 90 + ((seed >> 6) & 63);
      image.data[i + 2] = 200 - shade / 2 + ((seed >> 12) & 63);
      image.data[i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
    const blob: Blob = await new Promise((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', q));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }, [width, height, quality] as const);
  return Buffer.from(base64, 'base64');
}

/** A PDF of `pages` A4 pages, each with a heading and, when given, a scanned-looking image. */
export async function pdf(page: Page, pages: number, scan?: Buffer): Promise<Buffer> {
  const image = scan ? `<img src="data:image/jpeg;base64,${scan.toString('base64')}" style="width:100%">` : '';
  const body = Array.from({ length: pages }, (_, i) =>
    `<section style="page-break-after:always"><h1>第 ${i + 1} 页</h1><p>安全生产管理制度</p>${image}</section>`).join('');
  const printer = await page.context().newPage();
  await printer.setContent(`<!doctype html><meta charset="utf-8"><body>${body}</body>`);
  const bytes = await printer.pdf({ format: 'A4' });
  await printer.close();
  return bytes;
}

/** Write `bytes` to `path` (uploads pick files by path, so a re-pick is the same file). */
export function save(path: string, bytes: Buffer): string {
  writeFileSync(path, bytes);
  return path;
}

/** Every material of 道路货物运输驾驶员从业资格证 (JT-003) on its task list, waiting until all five files are up. */
export async function attachDriverMaterials(page: Page, files: { photo: string; back: string; form: string }): Promise<void> {
  // The ID card by its sides: a photo for each.
  await page.locator('#material-id_card').getByLabel('选择文件：居民身份证（人像面）').setInputFiles(files.photo);
  await page.locator('#material-id_card').getByLabel('选择文件：居民身份证（国徽面）').setInputFiles(files.back);
  await page.locator('#material-photo').getByLabel(/选择文件/).setInputFiles(files.photo);
  await page.locator('#material-application').getByLabel(/选择文件/).setInputFiles(files.form);
  await page.locator('#material-safe_driving_record').getByLabel(/选择文件/).setInputFiles(files.form);
  await expect(page.locator('.file--done')).toHaveCount(5);
}
