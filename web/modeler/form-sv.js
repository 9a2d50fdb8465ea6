/*
 * Swedish for the form editor. @bpmn-io/form-js-editor 1.x has no translation hook, so its palette and properties
 * panel texts are replaced in the DOM as they render (exact whole-text matches only; anything unknown stays English).
 */
const SV = {
  Components: 'Komponenter', 'Search components': 'Sök komponenter', Input: 'Inmatning', Selection: 'Val',
  Presentation: 'Presentation', Containers: 'Behållare', Action: 'Åtgärd',
  'Text field': 'Textfält', 'Text area': 'Textområde', Number: 'Tal', 'Date time': 'Datum och tid', Expression: 'Uttryck',
  'File picker': 'Filväljare', Checkbox: 'Kryssruta', 'Checkbox group': 'Kryssgrupp', 'Radio group': 'Radioknappar',
  Select: 'Lista', 'Tag list': 'Tagglista', 'Text view': 'Textvy', 'Image view': 'Bildvy', Table: 'Tabell',
  'HTML view': 'HTML-vy', 'Document preview': 'Dokument', Spacer: 'Mellanrum', Separator: 'Avdelare',
  Group: 'Grupp', 'Dynamic list': 'Dynamisk lista', iFrame: 'iFrame', Button: 'Knapp',
  General: 'Allmänt', Label: 'Etikett', Key: 'Nyckel (variabel)', ID: 'Id', 'Field description': 'Fältbeskrivning',
  'Default value': 'Standardvärde', Disabled: 'Avstängt', 'Read only': 'Skrivskyddat', Validation: 'Validering',
  Required: 'Obligatoriskt', 'Minimum length': 'Minsta längd', 'Maximum length': 'Största längd', Minimum: 'Minsta värde',
  Maximum: 'Största värde', 'Validation pattern': 'Valideringsmönster', 'Custom error message': 'Eget felmeddelande',
  Condition: 'Villkor', Layout: 'Layout', Columns: 'Kolumner', Appearance: 'Utseende', Prefix: 'Prefix', Suffix: 'Suffix',
  'Static options': 'Fasta alternativ', 'Options source': 'Alternativens källa', Value: 'Värde', Text: 'Text',
  'Custom properties': 'Egna egenskaper', 'Version tag': 'Versionsetikett', 'Date label': 'Datumetikett',
  'Time label': 'Tidsetikett', 'Disallow past dates': 'Tillåt inte passerade datum', Subtype: 'Undertyp', Content: 'Innehåll',
  Serialization: 'Serialisering', 'Decimal digits': 'Decimaler', Increment: 'Steg', Searchable: 'Sökbar', Type: 'Typ',
  'Form': 'Formulär', 'Hide if': 'Dölj om', Options: 'Alternativ',
};
const SELECTORS = '.fjs-palette-header, .fjs-palette-group-title, .fjs-palette-field-text, .bio-properties-panel-group-header-title, .bio-properties-panel-label, .bio-properties-panel-header-type, .fjs-palette-no-entries';

function translate(root) {
  for (const el of root.querySelectorAll(SELECTORS)) {
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      const t = node.textContent.trim();
      const sv = SV[t] ?? SV[t.charAt(0) + t.slice(1).toLowerCase()]?.toUpperCase();
      // writing only real changes keeps the observer from feeding itself
      if (sv && sv !== t) node.textContent = node.textContent.replace(t, sv);
    }
  }
  for (const input of root.querySelectorAll('.fjs-palette-search')) if (SV[input.placeholder]) input.placeholder = SV[input.placeholder];
}

/** Keeps `root` in Swedish while the editor re-renders. */
export function swedishFormEditor(root) {
  translate(root);
  new MutationObserver(() => translate(root)).observe(root, { childList: true, subtree: true, characterData: true });
}
