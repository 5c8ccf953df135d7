// The Accrue extension: starts `accrue lsp` and connects it to VS Code with a small LSP client written on the
// `vscode` API and child_process (no npm packages, no build step). It speaks the protocol's base framing
// (Content-Length headers) and maps each feature the server offers onto VS Code's providers.
'use strict';

const vscode = require('vscode');
const cp = require('child_process');

const SELECTOR = { language: 'accrue' };

/** One `accrue lsp` process: framed JSON-RPC over its standard input and output. */
class Connection {
  constructor(command, cwd, output) {
    this.output = output;
    this.nextId = 1;
    this.pending = new Map();
    this.handlers = new Map();
    this.buffer = Buffer.alloc(0);
    this.process = cp.spawn(command, ['lsp'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stdout.on('data', (chunk) => this.receive(chunk));
    this.process.stderr.on('data', (chunk) => output.append(chunk.toString()));
    this.process.on('error', (e) => {
      output.appendLine(`accrue lsp could not start (${command}): ${e.message}`);
      vscode.window.showErrorMessage(`Accrue: cannot start '${command} lsp'. Set accrue.path to the accrue executable.`);
      this.failAll(e);
    });
    this.process.on('exit', (code) => {
      output.appendLine(`accrue lsp exited (${code})`);
      this.failAll(new Error('the language server stopped'));
    });
  }

  failAll(e) {
    for (const { reject } of this.pending.values()) reject(e);
    this.pending.clear();
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const header = this.buffer.slice(0, end).toString('ascii');
      const m = /Content-Length:\s*(\d+)/i.exec(header);
      if (!m) {
        this.buffer = this.buffer.slice(end + 4);
        continue;
      }
      const length = Number(m[1]);
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.slice(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.slice(end + 4 + length);
      let message;
      try {
        message = JSON.parse(body);
      } catch (e) {
        this.output.appendLine(`unreadable message from accrue lsp: ${e.message}`);
        continue;
      }
      this.dispatch(message);
    }
  }

  dispatch(message) {
    if (message.id !== undefined && message.method === undefined) {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      if (message.error) p.reject(new Error(message.error.message));
      else p.resolve(message.result);
      return;
    }
    const handler = this.handlers.get(message.method);
    if (message.id !== undefined) {
      // A request from the server: none is expected; answer so it never waits.
      this.write({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'not supported by this client' } });
      return;
    }
    if (handler) handler(message.params);
  }

  write(message) {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    if (!this.process.stdin.writable) return;
    this.process.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.process.stdin.write(body);
  }

  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method, params) {
    this.write({ jsonrpc: '2.0', method, params });
  }

  onNotification(method, handler) {
    this.handlers.set(method, handler);
  }
}

// ---- Conversions between the protocol's values and VS Code's ----

const toPosition = (p) => new vscode.Position(p.line, p.character);
const toRange = (r) => new vscode.Range(toPosition(r.start), toPosition(r.end));
const fromPosition = (p) => ({ line: p.line, character: p.character });
const fromRange = (r) => ({ start: fromPosition(r.start), end: fromPosition(r.end) });
const docId = (document) => ({ uri: document.uri.toString() });
const at = (document, position) => ({ textDocument: docId(document), position: fromPosition(position) });
const toLocation = (l) => new vscode.Location(vscode.Uri.parse(l.uri), toRange(l.range));
const toTextEdit = (e) => new vscode.TextEdit(toRange(e.range), e.newText);

const SEVERITY = [undefined, 'Error', 'Warning', 'Information', 'Hint'];

function toDiagnostic(d) {
  const sev = vscode.DiagnosticSeverity[SEVERITY[d.severity] || 'Error'];
  const out = new vscode.Diagnostic(toRange(d.range), d.message, sev);
  out.source = d.source;
  if (d.code !== undefined) {
    out.code = d.codeDescription ? { value: d.code, target: vscode.Uri.parse(d.codeDescription.href) } : d.code;
  }
  if (d.relatedInformation) {
    out.relatedInformation = d.relatedInformation.map(
      (r) => new vscode.DiagnosticRelatedInformation(toLocation(r.location), r.message)
    );
  }
  return out;
}

function toWorkspaceEdit(e) {
  const edit = new vscode.WorkspaceEdit();
  if (!e) return edit;
  for (const [uri, edits] of Object.entries(e.changes || {})) {
    edit.set(vscode.Uri.parse(uri), edits.map(toTextEdit));
  }
  for (const change of e.documentChanges || []) {
    if (change.kind === 'rename') edit.renameFile(vscode.Uri.parse(change.oldUri), vscode.Uri.parse(change.newUri));
    else if (change.textDocument) {
      for (const t of change.edits) edit.replace(vscode.Uri.parse(change.textDocument.uri), toRange(t.range), t.newText);
    }
  }
  return edit;
}

function toSymbol(s) {
  const kind = Math.max(0, (s.kind || 13) - 1); // the protocol counts from 1, VS Code's enum from 0
  const out = new vscode.DocumentSymbol(s.name, s.detail || '', kind, toRange(s.range), toRange(s.selectionRange));
  out.children = (s.children || []).map(toSymbol);
  return out;
}

function toCompletion(i) {
  const out = new vscode.CompletionItem(i.label, Math.max(0, (i.kind || 1) - 1));
  out.detail = i.detail;
  if (i.documentation) out.documentation = i.documentation;
  return out;
}

function settings() {
  const c = vscode.workspace.getConfiguration('accrue');
  return {
    dataFolder: c.get('dataFolder', ''),
    asOf: c.get('asOf', ''),
    debounceMilliseconds: c.get('debounceMilliseconds', 25),
    testLenses: c.get('testLenses', true),
  };
}

let connection;

/** Registers every provider the server backs. */
function register(context, conn, capabilities) {
  const sub = (d) => context.subscriptions.push(d);
  const diagnostics = vscode.languages.createDiagnosticCollection('accrue');
  sub(diagnostics);
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    diagnostics.set(vscode.Uri.parse(p.uri), p.diagnostics.map(toDiagnostic));
  });
  conn.onNotification('window/logMessage', (p) => conn.output.appendLine(p.message));

  const open = (d) => {
    if (d.languageId !== 'accrue') return;
    conn.notify('textDocument/didOpen', {
      textDocument: { uri: d.uri.toString(), languageId: 'accrue', version: d.version, text: d.getText() },
    });
  };
  vscode.workspace.textDocuments.forEach(open);
  sub(vscode.workspace.onDidOpenTextDocument(open));
  sub(
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId !== 'accrue' || e.contentChanges.length === 0) return;
      conn.notify('textDocument/didChange', {
        textDocument: { uri: e.document.uri.toString(), version: e.document.version },
        contentChanges: e.contentChanges.map((c) => ({ range: fromRange(c.range), text: c.text })),
      });
    })
  );
  sub(
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.languageId === 'accrue') conn.notify('textDocument/didClose', { textDocument: docId(d) });
    })
  );
  sub(
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.languageId === 'accrue') conn.notify('textDocument/didSave', { textDocument: docId(d) });
    })
  );
  // Rule files changed on disk (not open here: another editor, a git checkout): the server reads them again.
  if (vscode.workspace.createFileSystemWatcher) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.accrue');
    const changed = (type) => (uri) => conn.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri.toString(), type }] });
    sub(watcher);
    sub(watcher.onDidCreate(changed(1)));
    sub(watcher.onDidChange(changed(2)));
    sub(watcher.onDidDelete(changed(3)));
  }
  sub(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('accrue')) conn.notify('workspace/didChangeConfiguration', { settings: { accrue: settings() } });
    })
  );

  const L = vscode.languages;
  sub(
    L.registerHoverProvider(SELECTOR, {
      async provideHover(d, p) {
        const h = await conn.request('textDocument/hover', at(d, p));
        if (!h) return undefined;
        return new vscode.Hover(new vscode.MarkdownString(h.contents.value), h.range ? toRange(h.range) : undefined);
      },
    })
  );
  sub(
    L.registerDefinitionProvider(SELECTOR, {
      async provideDefinition(d, p) {
        const l = await conn.request('textDocument/definition', at(d, p));
        return l ? toLocation(l) : undefined;
      },
    })
  );
  sub(
    L.registerReferenceProvider(SELECTOR, {
      async provideReferences(d, p, c) {
        const ls = await conn.request('textDocument/references', { ...at(d, p), context: { includeDeclaration: c.includeDeclaration } });
        return (ls || []).map(toLocation);
      },
    })
  );
  sub(
    L.registerRenameProvider(SELECTOR, {
      async prepareRename(d, p) {
        const r = await conn.request('textDocument/prepareRename', at(d, p));
        if (!r) throw new Error('nothing to rename here');
        return { range: toRange(r.range), placeholder: r.placeholder };
      },
      async provideRenameEdits(d, p, newName) {
        return toWorkspaceEdit(await conn.request('textDocument/rename', { ...at(d, p), newName }));
      },
    })
  );
  sub(
    L.registerDocumentSymbolProvider(SELECTOR, {
      async provideDocumentSymbols(d) {
        return ((await conn.request('textDocument/documentSymbol', { textDocument: docId(d) })) || []).map(toSymbol);
      },
    })
  );
  sub(
    L.registerCompletionItemProvider(
      SELECTOR,
      {
        async provideCompletionItems(d, p) {
          const r = await conn.request('textDocument/completion', at(d, p));
          return new vscode.CompletionList(((r && r.items) || []).map(toCompletion), !!(r && r.isIncomplete));
        },
      },
      '.',
      ' '
    )
  );
  sub(
    L.registerDocumentFormattingEditProvider(SELECTOR, {
      async provideDocumentFormattingEdits(d, options) {
        const edits = await conn.request('textDocument/formatting', {
          textDocument: docId(d),
          options: { tabSize: options.tabSize, insertSpaces: options.insertSpaces },
        });
        return (edits || []).map(toTextEdit);
      },
    })
  );
  sub(
    L.registerCodeActionsProvider(SELECTOR, {
      async provideCodeActions(d, range) {
        const actions = await conn.request('textDocument/codeAction', {
          textDocument: docId(d),
          range: fromRange(range),
          context: { diagnostics: [] },
        });
        return (actions || []).map((a) => {
          const out = new vscode.CodeAction(a.title, vscode.CodeActionKind.QuickFix);
          out.edit = toWorkspaceEdit(a.edit);
          out.isPreferred = a.isPreferred;
          out.diagnostics = (a.diagnostics || []).map(toDiagnostic);
          return out;
        });
      },
    })
  );
  const legend = capabilities.semanticTokensProvider.legend;
  sub(
    L.registerDocumentSemanticTokensProvider(
      SELECTOR,
      {
        async provideDocumentSemanticTokens(d) {
          const r = await conn.request('textDocument/semanticTokens/full', { textDocument: docId(d) });
          return new vscode.SemanticTokens(new Uint32Array((r && r.data) || []));
        },
      },
      new vscode.SemanticTokensLegend(legend.tokenTypes, legend.tokenModifiers)
    )
  );
  sub(
    L.registerFoldingRangeProvider(SELECTOR, {
      async provideFoldingRanges(d) {
        const rs = (await conn.request('textDocument/foldingRange', { textDocument: docId(d) })) || [];
        return rs.map(
          (r) => new vscode.FoldingRange(r.startLine, r.endLine, r.kind === 'comment' ? vscode.FoldingRangeKind.Comment : undefined)
        );
      },
    })
  );
  sub(
    L.registerCodeLensProvider(SELECTOR, {
      async provideCodeLenses(d) {
        const ls = (await conn.request('textDocument/codeLens', { textDocument: docId(d) })) || [];
        return ls.map((l) => new vscode.CodeLens(toRange(l.range), { title: l.command.title, command: '' }));
      },
    })
  );
  // A diagnostic's code links to accrue-explain:CODE: the explanation `accrue explain CODE` prints.
  sub(
    vscode.workspace.registerTextDocumentContentProvider('accrue-explain', {
      provideTextDocumentContent(uri) {
        return conn.request('accrue/explain', { code: uri.path });
      },
    })
  );
}

async function activate(context) {
  const output = vscode.window.createOutputChannel('Accrue');
  context.subscriptions.push(output);
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  const cwd = folder ? folder.uri.fsPath : process.cwd();
  const command = vscode.workspace.getConfiguration('accrue').get('path', 'accrue');
  connection = new Connection(command, cwd, output);
  const init = await connection.request('initialize', {
    processId: process.pid,
    clientInfo: { name: 'accrue-vscode', version: '0.1.0' },
    rootUri: folder ? folder.uri.toString() : null,
    workspaceFolders: folder ? [{ uri: folder.uri.toString(), name: folder.name }] : null,
    capabilities: { general: { positionEncodings: ['utf-16'] } },
    initializationOptions: settings(),
  });
  connection.notify('initialized', {});
  register(context, connection, init.capabilities);
}

async function deactivate() {
  if (!connection) return;
  try {
    await Promise.race([connection.request('shutdown', null), new Promise((r) => setTimeout(r, 2000))]);
  } finally {
    connection.notify('exit', null);
  }
}

module.exports = { activate, deactivate, Connection };
