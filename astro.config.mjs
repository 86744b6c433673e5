// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';
import { readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCourseConfig } from './src/course-config.ts';
import { lazyMonacoCss } from './scripts/vite/lazy-monaco-css.ts';

// base, site, webcontainer and solutions: course.config.json, overridden by BARISTAS_* variables.
const course = readCourseConfig();

/** @typedef {{ label: string, link: string } | { label: string, items: { autogenerate: { directory: string } }[] }} SidebarEntry */

/**
 * The sidebar comes from the chapter folders in `content/` (`01-storage`, `02-cap`, …):
 * adding a chapter is adding a folder; its number sets its place.
 */
/** @returns {SidebarEntry[]} */
function chapterSidebar() {
  return readdirSync('content', { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^\d\d-/.test(d.name) && existsSync(`content/${d.name}/index.mdx`))
    .map((d) => d.name)
    .sort()
    .map((dir) => {
      const front = readFileSync(`content/${dir}/index.mdx`, 'utf8').match(/^---\n([\s\S]*?)\n---/)?.[1] ?? '';
      const title = front.match(/^title:\s*(.+)$/m)?.[1]?.trim().replace(/^['"]|['"]$/g, '') ?? dir;
      const label = `${Number(dir.slice(0, 2))}. ${title}`;
      const pages = readdirSync(`content/${dir}`).filter((f) => /\.mdx?$/.test(f));
      /** @type {SidebarEntry} */
      const entry = pages.length > 1 ? { label, items: [{ autogenerate: { directory: dir } }] } : { label, link: `/${dir}/` };
      return entry;
    });
}

// WebContainer mode needs cross-origin isolation; the worker runtime works without it. With
// WebContainer off, nothing of it is sent or shipped: no headers here, no _headers file.
const isolationHeaders =
  course.webcontainer === 'off'
    ? {}
    : {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      };

/** @type {import('astro').AstroIntegration} */
const withoutHeadersFile = {
  name: 'baristas:no-headers-file',
  hooks: {
    'astro:build:done': ({ dir }) => {
      if (course.webcontainer === 'off') rmSync(fileURLToPath(new URL('_headers', dir)), { force: true });
    },
  },
};

export default defineConfig({
  base: course.base,
  ...(course.site ? { site: course.site } : {}),
  integrations: [
    starlight({
      title: 'Baristas',
      description: 'Distributed systems in one lesson: a coffee shop grows from one barista into a web-scale chain.',
      sidebar: [
        { label: 'Welcome', link: '/' },
        ...chapterSidebar(),
        { label: 'Your progress', link: '/progress/' },
        // The Simulation API is generated from the TSDoc of packages/sim (src/pages/reference/sim.astro);
        // Writing an exercise is content/authoring.mdx.
        {
          label: 'Reference',
          items: [
            { label: 'Simulation API', link: '/reference/sim/' },
            { label: 'Trace viewer', link: '/trace/' },
            { label: 'Writing an exercise', link: '/authoring/' },
          ],
        },
      ],
      lastUpdated: false,
      pagination: true,
      customCss: ['./src/styles/course.css'],
    }),
    mdx(),
    withoutHeadersFile,
  ],
  server: { headers: isolationHeaders },
  vite: {
    plugins: [lazyMonacoCss()],
    server: { headers: isolationHeaders },
    preview: { headers: isolationHeaders },
    worker: { format: 'es' },
  },
});
