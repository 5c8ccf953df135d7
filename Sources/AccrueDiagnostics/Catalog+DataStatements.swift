// Data codes about what a bank statement says about itself (D0320-D0323): warnings, kept with their statement,
// errors with --strict. Written from AccrueImport's StatementChecks, Windows1252 and the BAI2 reader. The statement
// that does not read at all is D0105 (Catalog+DataFiles.swift). Keep sorted by id.

extension DiagnosticCode {
  // MARK: - Bank statements (D032x)

  public static let statementDoesNotReconcile = DiagnosticCode(
    "D0320", "statement-does-not-reconcile", .warning, "a bank statement whose balances and entries do not add up",
    """
    A statement that states its opening and closing balances must satisfy: opening balance + the
    entries (credits less debits) = closing balance. When it does not, an entry is missing from the
    file (a statement cut short, a page lost in an export) or a balance is wrong, so a customer's
    payment may be missing too and its invoice would be dunned. A statement whose opening and
    closing balances are in different currencies cannot be reconciled at all. Accrue checks this so
    that cash application never runs on an incomplete statement without anyone knowing. Ask the bank
    for the complete statement; entries in other currencies than the balances' are not counted (the
    message says how many).

    Wrong (statements/2026-03.sta, MT940: opening 10,000.00, one credit of 1,200.00, closing 12,000.00):
        :20:STMT-0312
        :60F:C260301EUR10000,00
        :61:2603050305C1200,00NTRFNONREF
        :62F:C260331EUR12000,00

    gets:
        warning: statements/2026-03.sta:4:1: D0320: the statement STMT-0312 ... does not reconcile: opening 10,000.00 EUR +
        entries 1,200.00 EUR = 11,200.00 EUR, but the closing balance is 12,000.00 EUR (800.00 EUR more): an entry is
        missing from the file or a balance is wrong; ask the bank for the complete statement

    Right: the bank's complete statement, with the missing credit of 800.00 (opening + entries = closing).
    """)

  public static let controlTotalDisagrees = DiagnosticCode(
    "D0321", "control-total-disagrees", .warning, "a statement's control total is not the sum of its amounts",
    """
    BAI2 files state control totals: each account (49), group (98) and the file (99) gives the sum
    of its amounts, as a check that nothing was lost or changed on the way. A total that differs
    from the amounts read means the file is incomplete or altered. BAI2 totals are sums of amounts
    as written (whole minor units), so a group over several currencies is compared that way and the
    message says so. A blank total is not checked. Ask the bank for the file again.

    Wrong (account 12345 in USD: one detail of 1,200.00, its trailer says 1,500.00):
        16,175,120000,,,,
        49,150000,2/

    gets:
        warning: bank.bai:5:1: D0321: the account 12345 control total is 1,500.00 USD, the records add up to 1,200.00 USD:
        the file is incomplete or altered; ask the bank for the file again

    Right:
        16,175,120000,,,,
        49,120000,2/
    """)

  public static let statementEncoding = DiagnosticCode(
    "D0322", "statement-encoding", .warning, "a statement file read with an assumption about its encoding",
    """
    Statement files should be UTF-8. Many banks' Windows exports are Windows-1252 (or Latin-1,
    which reads the same for real text) instead: such a file is read as Windows-1252, with one
    warning at the first byte that is not UTF-8, naming the character it was read as. A byte that
    Windows-1252 does not define either (0x81, 0x8D, 0x8F, 0x90, 0x9D) is read as the replacement
    character, with one more warning counting the others: the file may be in another encoding or
    damaged. Names and remittance texts may then look wrong and match less well; amounts are not
    affected. Ask the bank for the file in UTF-8.

    Wrong (the payer's name written in Windows-1252: the byte 0xFC for "ü"):
        :86:Müller GmbH RE INV-7

    gets:
        warning: statements/2026-03.sta:5:6: D0322: the MT940 file is not UTF-8 (the byte 0xFC here is not UTF-8 text):
        read as Windows-1252, the encoding of banks' Windows exports (so 0xFC is "ü"); if names or texts look wrong,
        ask the bank for the file in UTF-8

    Right: the same file saved as UTF-8 (no warning).
    """)

  public static let bai2RecordNotRead = DiagnosticCode(
    "D0323", "bai2-record-not-read", .warning, "a BAI2 record left unread",
    """
    A BAI2 record of a type BAI2 does not have (such as 890) is not read, and a detail (16) whose
    type code the BAI2 specification gives no direction (001-099 and 900-919 are account status
    codes, 700-799 loan codes, 800-899 unassigned) is held, not read as a payment: whether it is
    money in or out is never guessed. Its amount still counts in the control totals. Ask the bank
    which way the type code books, or for the file as BAI2 version 2 writes it.

    Wrong:
        16,850,120000,,,,

    gets:
        warning: bank.bai:4:1: D0323: detail type code 850 (account 12345, amount 1,200.00 USD) says neither credit nor
        debit (BAI2: 100-399 and 920-959 credits, 400-699 and 960-999 debits; 800-899 are not assigned): the entry is
        held, not read as a payment (its amount still counts in the control totals); ask the bank which way type code
        850 books

    Right (a credit the bank defines itself, in the credit range):
        16,195,120000,,,,
    """)
}
