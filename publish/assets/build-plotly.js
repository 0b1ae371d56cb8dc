// Builds plotly-assembly.min.js (beside this file): plotly.js with only the trace types Assembly
// Insights draws, for chart exports and reports that stay small and work offline.
// Run from an unpacked plotly.js package whose version is the one plotly.py ships; see README.md.
const fs = require('fs');
const path = require('path');

const here = __dirname;
const fromPackage = (name) => require(require.resolve(name, { paths: [process.cwd()] }));
const esbuild = fromPackage('esbuild');
const { environmentPlugin } = fromPackage('esbuild-plugin-environment');
const { glsl } = fromPackage('esbuild-plugin-glsl');
const InlineCSSPlugin = fromPackage('esbuild-plugin-inline-css');
const version = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')).version;

fs.copyFileSync(path.join(here, 'plotly-entry.js'), path.join(process.cwd(), 'lib', 'entry-assembly.js'));
esbuild.build({
    // esbuild's settings are plotly.js's own (its esbuild-config.js), minified.
    entryPoints: ['./lib/entry-assembly.js'],
    outfile: path.join(here, 'plotly-assembly.min.js'),
    format: 'iife', globalName: 'Plotly', bundle: true, minify: true, sourcemap: false, metafile: true,
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016', logLevel: 'info', legalComments: 'none',
    banner: { js: `/**\n* plotly.js v${version} (partial bundle for Assembly Insights: bar, box, funnel, heatmap, sankey, `
                  + `scatter, scatterpolar)\n* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n`
                  + `* Licensed under the MIT license\n*/` },
}).then((result) => {
    // The packages inside the bundle, with their licences.
    const names = new Set();
    for (const input of Object.keys(result.metafile.inputs)) {
        const found = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
        if (found) names.add(found[1]);
    }
    const rows = [...names].sort().map((name) => {
        const p = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8'));
        return `${name} ${p.version} ${typeof p.license === 'string' ? p.license : JSON.stringify(p.license || p.licenses)}`;
    });
    fs.writeFileSync(path.join(here, 'plotly-bundled-packages.txt'), rows.join('\n') + '\n');
}).catch(() => process.exit(1));
