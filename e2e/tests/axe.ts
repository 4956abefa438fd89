import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** axe finds nothing against WCAG 2.2 AA on the page as it is now. */
export async function expectNoViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
}

/** axe in the normal mode and in elderly mode (larger text), then back to normal. */
export async function bothModes(page: Page) {
  await expectNoViolations(page);
  await page.getByRole('button', { name: /长辈模式/ }).click();
  await expect(page.locator('html')).toHaveClass(/elderly/);
  await expectNoViolations(page);
  await page.getByRole('button', { name: '长辈模式（大字）', pressed: true }).click();
  await expect(page.locator('html')).not.toHaveClass(/elderly/);
}

/**
 * Focus is on an element of the page, never fallen to <body> (a screen reader
 * would start again at the top): after a page change on the page's main
 * region or a control, after a removal on what stands in its place.
 */
export async function expectFocusKept(page: Page) {
  // Settled: a page swapping its content may pass through the body for a moment.
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName ?? 'BODY')).not.toBe('BODY');
  await expect(page.locator(':focus')).toHaveCount(1);
}
