/** The admin console in tests: an account, a signed-in agent (supertest) and a signed-in Chromium page. */
import type { Express } from 'express';
import type { Page } from 'playwright-core';
import request from 'supertest';
import type { TestApp } from './test-app';

export const ADMIN_EMAIL = 'alice@example.net';
export const ADMIN_PASSWORD = 'correct horse battery staple';

export async function createAdmin(t: TestApp, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<void> {
  await t.container.adminAccounts.create(email, password);
}

/** The hidden CSRF field of the first form in an HTML page. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF field in the page');
  return m[1];
}

/** A supertest agent with a signed-in session cookie, and the session's CSRF token. */
export async function signedInAgent(app: Express, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  const agent = request.agent(app);
  const form = await agent.get('/admin/login').expect(200);
  await agent
    .post('/admin/login')
    .type('form')
    .send({ email, password, _csrf: csrfOf(form.text), next: '/admin' })
    .expect(303);
  const home = await agent.get('/admin').expect(200);
  return { agent, csrf: csrfOf(home.text) };
}

/** Signs in through the real form in Chromium. */
export async function signInPage(page: Page, origin: string, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<void> {
  await page.goto(`${origin}/admin/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}/admin`);
}

/** Headings never skip a level (h1 → h3), and there is exactly one h1: what a screen-reader user navigates by. */
export async function headingLevels(page: Page): Promise<number[]> {
  return page.$$eval('h1, h2, h3, h4, h5, h6', (hs) => hs.map((h) => Number(h.tagName.slice(1))));
}

export function headingsInOrder(levels: number[]): boolean {
  if (levels.filter((l) => l === 1).length !== 1 || levels[0] !== 1) return false;
  return levels.every((l, i) => i === 0 || l <= (levels[i - 1] as number) + 1);
}

/** Every visible form control has an accessible label (label[for], aria-label or aria-labelledby). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.$$eval('input:not([type=hidden]), select, textarea', (els) =>
    els
      .filter((el) => {
        const id = el.getAttribute('id');
        const labelled =
          (id && el.ownerDocument.querySelector(`label[for="${id}"]`)) ||
          el.getAttribute('aria-label') ||
          el.getAttribute('aria-labelledby') ||
          el.closest('label');
        return !labelled;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}
