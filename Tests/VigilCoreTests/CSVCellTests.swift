import Testing
import VigilCore

@Suite("CSV cells")
struct CSVCellTests {
    @Test(
        "a cell a spreadsheet would run as a formula gets a leading quote mark; commas, quotes and line breaks are quoted",
        arguments: [
            ("=HYPERLINK(\"http://evil.example\")", "\"'=HYPERLINK(\"\"http://evil.example\"\")\""), ("+1", "'+1"), ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "\"'\rx\""), ("a,b", "\"a,b\""), ("line\nbreak", "\"line\nbreak\""),
            ("high", "high"), ("0-7 days", "0-7 days"), ("", ""),
        ])
    func neutralised(value: String, expected: String) {
        #expect(CSVCell.text(value) == expected)
    }

    @Test("a row joins its cells with commas")
    func row() {
        #expect(CSVCell.row(["2026-12-04T00:00:00Z", "=1+1", "3"]) == "2026-12-04T00:00:00Z,'=1+1,3")
    }
}
