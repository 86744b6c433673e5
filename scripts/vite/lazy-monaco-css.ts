/**
 * A Vite plugin that turns Monaco's stylesheets into code that adds them to the page when the
 * editor's chunk runs. Astro links every stylesheet a page's scripts can reach, dynamic imports
 * included, in the page's <head>: that made Monaco's ~175 KB of CSS render-blocking on every
 * page, the home page and chapters with no exercise included, although the editor loads only
 * when a learner starts editing.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Plugin } from 'vite';

const PREFIX = '\0baristas-lazy-css:';
const MONACO_CSS = /[\\/]node_modules[\\/]monaco-editor[\\/].*\.css$/;

export function lazyMonacoCss(): Plugin {
  return {
    name: 'baristas:lazy-monaco-css',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.endsWith('.css') || !importer || !/[\\/]monaco-editor[\\/]/.test(importer)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      // Not ending in .css, so Vite's own CSS handling leaves the module to this plugin.
      return resolved && MONACO_CSS.test(resolved.id) ? `${PREFIX}${resolved.id}.js` : null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const file = id.slice(PREFIX.length, -'.js'.length);
      const css = readFileSync(file, 'utf8');
      // Relative url()s (the codicon font) become asset imports, so they get the site's base and a hash.
      const assets: string[] = [];
      const text = css.replace(/url\((['"]?)(\.{1,2}\/[^'")]+)\1\)/g, (_m, _q, path: string) => {
        assets.push(resolve(dirname(file), path));
        return `url("\${asset${assets.length - 1}}")`;
      });
      return [
        ...assets.map((path, i) => `import asset${i} from ${JSON.stringify(`${path}?url`)};`),
        `const css = \`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{(?!asset\d+\})/g, '\\${')}\`;`,
        "if (typeof document !== 'undefined') {",
        "  const style = document.createElement('style');",
        `  style.dataset.source = ${JSON.stringify(file.replace(/^.*[\\/]node_modules[\\/]/, ''))};`,
        '  style.textContent = css;',
        '  document.head.append(style);',
        '}',
      ].join('\n');
    },
  };
}
