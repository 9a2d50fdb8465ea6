/** Renders bpmn/*.bpmn to PNG with bpmn-js in headless Chromium, for checking the layout: npx tsx scripts/render-diagrams.ts <outDir> */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

async function main() {
  const root = path.resolve(__dirname, '..');
  const out = process.argv[2] ?? '/tmp/vk-render';
  fs.mkdirSync(out, { recursive: true });
  const viewer = fs.readFileSync(path.join(root, 'node_modules/bpmn-js/dist/bpmn-viewer.production.min.js'), 'utf8');
  const css = ['diagram-js.css', 'bpmn-js.css', 'bpmn-font/css/bpmn.css'].map((f) => {
    const p = path.join(root, 'node_modules/bpmn-js/dist/assets', f);
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
  }).join('\n');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.setContent(`<html><head><style>${css} body{margin:0} #c{width:100vw;height:100vh}</style></head><body><div id="c"></div></body></html>`);
  await page.addScriptTag({ content: viewer });
  for (const f of fs.readdirSync(path.join(root, 'bpmn')).filter((x) => x.endsWith('.bpmn') && (!process.argv[3] || x.includes(process.argv[3])))) {
    const xml = fs.readFileSync(path.join(root, 'bpmn', f), 'utf8');
    const box = await page.evaluate(async (x) => {
      const w = window as unknown as { BpmnJS: new (o: unknown) => any; v?: any };
      w.v?.destroy();
      w.v = new w.BpmnJS({ container: '#c' });
      const { warnings } = await w.v.importXML(x);
      const canvas = w.v.get('canvas');
      const vb = canvas.viewbox();
      return { warnings: warnings.map((m: { message: string }) => m.message), inner: vb.inner };
    }, xml);
    const clip = process.argv[4]?.split(',').map(Number);
    const [vx, vy, vw, vh] = clip ?? [0, 0, Math.ceil(box.inner.width + box.inner.x + 60), Math.ceil(box.inner.height + box.inner.y + 60)];
    await page.setViewportSize({ width: vw, height: vh });
    await page.evaluate(([x, y, width, height]) => { (window as unknown as { v: any }).v.get('canvas').viewbox({ x, y, width, height }); }, [vx, vy, vw, vh]);
    await page.screenshot({ path: path.join(out, f.replace('.bpmn', clip ? '.crop.png' : '.png')) });
    console.log(f, JSON.stringify(box));
  }
  await browser.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
