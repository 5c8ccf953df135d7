"""End to end: `accrue lsp` driven by an independent client (pytest-lsp, on pygls), over the bundled rules.

Run by .ci/lsp-e2e (ACCRUE names the binary). Opens rules/plans.accrue, edits a line to introduce an error and
checks the published diagnostics, then hover, definition, completion, formatting and the rest.
"""

import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = pathlib.Path(__file__).resolve().parents[2]
ACCRUE = os.environ.get("ACCRUE", str(REPO / ".build" / "debug" / "accrue"))
RULES = REPO / "rules"
PLANS = RULES / "plans.accrue"
URI = PLANS.as_uri()
TEXT = PLANS.read_text()
LINES = TEXT.split("\n")


def find(needle):
    """The 0-based line and column of the first line containing `needle`."""
    for i, line in enumerate(LINES):
        if needle in line:
            return i, line.index(needle)
    raise AssertionError(f"{needle!r} not in plans.accrue")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[ACCRUE, "lsp"]))
async def client(lsp_client: LanguageClient):
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=REPO.as_uri(),
        initialization_options={"debounceMilliseconds": 10},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def open_plans(client):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=URI, language_id="accrue", version=1, text=TEXT)
        )
    )


@pytest.mark.asyncio
async def test_diagnostics_on_open_and_after_an_edit(client: LanguageClient):
    open_plans(client)
    while URI not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[URI]) == []
    # Introduce an error: "quantity contract.seats" -> "quantity contract.seatz".
    line, col = find("quantity contract.seats")
    start = col + len("quantity contract.")
    client.diagnostics.pop(URI)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=line, character=start),
                        end=types.Position(line=line, character=start + 5),
                    ),
                    text="seatz",
                )
            ],
        )
    )
    while URI not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    diags = client.diagnostics[URI]
    assert len(diags) == 1, diags
    d = diags[0]
    assert d.code == "E0303"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range.start == types.Position(line=line, character=start)
    assert "did you mean 'seats'" in d.message
    assert d.code_description.href == "accrue-explain:E0303"
    # The checker's fix, as a quick fix.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    assert [a.title for a in actions] == ["replace 'seatz' with 'seats'"]


@pytest.mark.asyncio
async def test_hover_definition_references(client: LanguageClient):
    open_plans(client)
    line, col = find("usage api_calls")
    at = types.Position(line=line, character=col + len("usage ") + 2)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=URI), position=at)
    )
    assert "api_calls**: metric" in hover.contents.value
    assert "sum of event.quantity" in hover.contents.value
    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=URI), position=at)
    )
    dline, dcol = find("metric api_calls")
    assert definition.uri == URI
    assert definition.range.start == types.Position(line=dline, character=dcol + len("metric "))
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=at,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert len(refs) >= 2
    # A plan: its charges.
    pline, pcol = find('plan team "Team"')
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=types.Position(line=pline, character=pcol + 6),
        )
    )
    assert "charge `seats`" in hover.contents.value


@pytest.mark.asyncio
async def test_completion_of_record_fields_and_names(client: LanguageClient):
    open_plans(client)
    line, col = find("quantity contract.seats")
    at = types.Position(line=line, character=col + len("quantity contract."))
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI), position=at)
    )
    labels = [i.label for i in result.items]
    assert "seats" in labels and "start_date" in labels


@pytest.mark.asyncio
async def test_formatting_symbols_tokens_folding(client: LanguageClient):
    open_plans(client)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert not edits  # the bundled rules are formatted
    # Indent a line badly: formatting puts it back.
    line, _ = find("period monthly")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0)),
                    text="      ",
                )
            ],
        )
    )
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert len(edits) == 1 and edits[0].new_text == TEXT
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert "team" in [s.name for s in symbols]
    tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert len(tokens.data) % 5 == 0 and len(tokens.data) > 100
    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert len(folds) > 5


@pytest.mark.asyncio
async def test_unknown_method_is_an_error_not_a_crash(client: LanguageClient):
    with pytest.raises(Exception) as e:
        await client.protocol.send_request_async("accrue/noSuchMethod", {})
    assert "-32601" in str(e.value) or "unknown method" in str(e.value)
    # Still answering.
    open_plans(client)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert symbols
