import { BpmnModdle } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';
import type { DeployFile } from './files';

/** Version tags as Zeebe accepts them and people read them: short, no spaces or markup. */
export const VERSION_TAG = /^[A-Za-z0-9][A-Za-z0-9._\-+]{0,63}$/;

/**
 * The file with `tag` as its version tag: `zeebe:versionTag` on every executable process of a diagram (replacing
 * one that is there), `versionTag` on a form. Zeebe stores it with the new version, so a deployed version can be
 * named ("2026-12 ny tidsfrist") and bound by call activities and forms with bindingType versionTag.
 */
export async function withVersionTag(file: DeployFile, tag: string): Promise<DeployFile> {
  if (!VERSION_TAG.test(tag)) throw new Error(`version tag "${tag}" is not valid (letters, digits, . _ - +, at most 64 characters)`);
  if (file.kind === 'form') return { ...file, content: JSON.stringify({ ...JSON.parse(file.content), versionTag: tag }, null, 2) };
  // Decisions keep their own version tags (zeebe:versionTag per decision, set in Modeler); business rule tasks here bind the latest.
  if (file.kind === 'dmn') return file;
  const moddle = new BpmnModdle({ zeebe });
  const { rootElement } = await moddle.fromXML(file.content, 'bpmn:Definitions');
  for (const process of (rootElement.rootElements ?? []).filter((e: { $type: string; isExecutable?: boolean }) => e.$type === 'bpmn:Process' && e.isExecutable)) {
    if (!process.extensionElements) process.extensionElements = moddle.create('bpmn:ExtensionElements', { values: [] });
    const values = process.extensionElements.values ?? (process.extensionElements.values = []);
    const existing = values.find((v: { $type: string }) => v.$type === 'zeebe:VersionTag');
    if (existing) existing.value = tag;
    else values.push(moddle.create('zeebe:VersionTag', { value: tag }));
  }
  const { xml } = await moddle.toXML(rootElement, { format: true });
  return { ...file, content: xml };
}
