// @ts-check
// Expressive Code's options live here, not in astro.config.mjs, so that Starlight's <Code>
// component gets the same ones (it needs them in a file of their own).

/**
 * Expressive Code makes a code block that scrolls sideways a focusable `role="region"`, with
 * no name, so two such blocks on a page are indistinguishable landmarks (axe:
 * landmark-unique). Each block's <pre> gets a name from its title, or its language and first
 * line.
 */
const codeBlockLabels = {
  name: 'baristas-code-block-labels',
  hooks: {
    /** @param {{ codeBlock: { props: { title?: string }, language: string, code: string }, renderData: { blockAst: any } }} context */
    postprocessRenderedBlock({ codeBlock, renderData }) {
      const first = codeBlock.code.split('\n').find((line) => line.trim()) ?? '';
      const label = codeBlock.props.title ?? `${codeBlock.language} code: ${first.trim().slice(0, 60)}`;
      /** @param {any} node */
      const walk = (node) => {
        if (node.type === 'element' && node.tagName === 'pre') node.properties.ariaLabel = label;
        for (const child of node.children ?? []) walk(child);
      };
      walk(renderData.blockAst);
    },
  },
};

/** @type {import('@astrojs/starlight/expressive-code').StarlightExpressiveCodeOptions} */
export default { plugins: [codeBlockLabels] };
