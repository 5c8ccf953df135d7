// Loads extension.js as VS Code would, with a stand-in for the `vscode` module, against a real `accrue lsp`:
// opens the bundled rules' plans.accrue, breaks a line, and checks that diagnostics, hover, definition,
// completion, formatting, symbols, code actions and semantic tokens reach VS Code's providers.
// Usage: node editors/vscode/test/smoke.js ACCRUE_BINARY REPO
'use strict';
const Module = require('module');
const fs = require('fs');
const path = require('path');
const assert = require('assert');

const [accrue, repo] = process.argv.slice(2);
const providers = {};
const listeners = {};
const diagnostics = new Map();

class Position { constructor(line, character) { Object.assign(this, { line, character }); } }
class Range { constructor(start, end) { Object.assign(this, { start, end }); } }
class Uri {
  constructor(s) { this.s = s; this.path = s.replace(/^[a-z-]+:(\/\/)?/, ''); this.fsPath = this.path; }
  toString() { return this.s; }
  static parse(s) { return new Uri(s); }
}
class Store { constructor(...a) { this.args = a; } }
const vscode = {
  Position, Range, Uri,
  Location: class { constructor(uri, range) { Object.assign(this, { uri, range }); } },
  Diagnostic: class { constructor(range, message, severity) { Object.assign(this, { range, message, severity }); } },
  DiagnosticRelatedInformation: class { constructor(location, message) { Object.assign(this, { location, message }); } },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  TextEdit: class { constructor(range, newText) { Object.assign(this, { range, newText }); } },
  WorkspaceEdit: class { constructor() { this.entries = []; } set(u, e) { this.entries.push([u, e]); } replace(u, r, t) { this.entries.push([u, [{ range: r, newText: t }]]); } renameFile(a, b) { this.entries.push(['rename', a, b]); } },
  Hover: class { constructor(contents, range) { Object.assign(this, { contents, range }); } },
  MarkdownString: class { constructor(value) { this.value = value; } },
  DocumentSymbol: class { constructor(name, detail, kind, range, selectionRange) { Object.assign(this, { name, detail, kind, range, selectionRange }); } },
  CompletionItem: class { constructor(label, kind) { Object.assign(this, { label, kind }); } },
  CompletionList: class { constructor(items, isIncomplete) { Object.assign(this, { items, isIncomplete }); } },
  CodeAction: class { constructor(title, kind) { Object.assign(this, { title, kind }); } },
  CodeActionKind: { QuickFix: 'quickfix' },
  SemanticTokens: class { constructor(data) { this.data = data; } },
  SemanticTokensLegend: Store,
  FoldingRange: class { constructor(start, end, kind) { Object.assign(this, { start, end, kind }); } },
  FoldingRangeKind: { Comment: 1 },
  CodeLens: class { constructor(range, command) { Object.assign(this, { range, command }); } },
  window: { createOutputChannel: () => ({ append() {}, appendLine() {}, dispose() {} }), showErrorMessage: (m) => { throw new Error(m); } },
  workspace: {
    workspaceFolders: [{ uri: Uri.parse('file://' + repo), name: 'repo' }],
    textDocuments: [],
    getConfiguration: () => ({ get: (k, d) => (k === 'path' ? accrue : k === 'debounceMilliseconds' ? 5 : d) }),
    onDidOpenTextDocument: (f) => ((listeners.open = f), { dispose() {} }),
    onDidChangeTextDocument: (f) => ((listeners.change = f), { dispose() {} }),
    onDidCloseTextDocument: (f) => ((listeners.close = f), { dispose() {} }),
    onDidSaveTextDocument: (f) => ((listeners.save = f), { dispose() {} }),
    onDidChangeConfiguration: (f) => ((listeners.config = f), { dispose() {} }),
    registerTextDocumentContentProvider: (scheme, p) => ((providers.explain = p), { dispose() {} }),
  },
  languages: {
    createDiagnosticCollection: () => ({ set: (u, d) => diagnostics.set(u.toString(), d), dispose() {} }),
  },
};
for (const name of ['Hover', 'Definition', 'Reference', 'Rename', 'DocumentSymbol', 'CompletionItem', 'DocumentFormattingEdit', 'CodeActions', 'DocumentSemanticTokens', 'FoldingRange', 'CodeLens']) {
  vscode.languages[`register${name}Provider`] = (sel, p) => ((providers[name] = p), { dispose() {} });
}
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };

const file = path.join(repo, 'rules', 'plans.accrue');
let text = fs.readFileSync(file, 'utf8');
const uri = Uri.parse('file://' + file);
const doc = { uri, languageId: 'accrue', version: 1, getText: () => text };
const lineOf = (needle) => text.split('\n').findIndex((l) => l.includes(needle));
const waitFor = async (f) => { for (let i = 0; i < 200; i++) { const v = f(); if (v) return v; await new Promise((r) => setTimeout(r, 25)); } throw new Error('timed out'); };

(async () => {
  const ext = require(path.join(__dirname, '..', 'extension.js'));
  const context = { subscriptions: [] };
  await ext.activate(context);
  listeners.open(doc);
  await waitFor(() => diagnostics.get(uri.toString()));
  assert.deepStrictEqual(diagnostics.get(uri.toString()), []);
  // Break "quantity contract.seats" into "contract.seatz".
  const line = lineOf('quantity contract.seats');
  const col = text.split('\n')[line].indexOf('seats');
  diagnostics.delete(uri.toString());
  doc.version = 2;
  listeners.change({ document: doc, contentChanges: [{ range: new Range(new Position(line, col), new Position(line, col + 5)), text: 'seatz' }] });
  const ds = await waitFor(() => { const d = diagnostics.get(uri.toString()); return d && d.length ? d : null; });
  assert.strictEqual(ds[0].code.value, 'E0303');
  assert.strictEqual(ds[0].severity, 0);
  assert.strictEqual(ds[0].range.start.line, line);
  const explanation = await providers.explain.provideTextDocumentContent(ds[0].code.target);
  assert.match(explanation, /^E0303 \(unknown-field/);
  const actions = await providers.CodeActions.provideCodeActions(doc, ds[0].range);
  assert.strictEqual(actions[0].title, "replace 'seatz' with 'seats'");
  const usage = lineOf('usage api_calls');
  const pos = new Position(usage, text.split('\n')[usage].indexOf('api_calls') + 2);
  const hover = await providers.Hover.provideHover(doc, pos);
  assert.match(hover.contents.value, /api_calls\*\*: metric/);
  const def = await providers.Definition.provideDefinition(doc, pos);
  assert.strictEqual(def.range.start.line, lineOf('metric api_calls'));
  const completion = await providers.CompletionItem.provideCompletionItems(doc, new Position(line, col));
  assert.ok(completion.items.some((i) => i.label === 'seats'));
  const symbols = await providers.DocumentSymbol.provideDocumentSymbols(doc);
  assert.ok(symbols.some((s) => s.name === 'team' && s.children.length > 0));
  const tokens = await providers.DocumentSemanticTokens.provideDocumentSemanticTokens(doc);
  assert.ok(tokens.data.length > 100);
  const edits = await providers.DocumentFormattingEdit.provideDocumentFormattingEdits(doc, { tabSize: 2, insertSpaces: true });
  assert.deepStrictEqual(edits, []);
  const folds = await providers.FoldingRange.provideFoldingRanges(doc);
  assert.ok(folds.length > 5);
  await ext.deactivate();
  console.log('vscode client smoke test: ok');
  process.exit(0);
})().catch((e) => { console.error('vscode client smoke test failed:', e); process.exit(1); });
