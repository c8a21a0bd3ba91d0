import Testing
import VigilCore

@Suite("hex text")
struct HexTextTests {
    @Test("each byte becomes two lower-case digits, high nibble first, leading zeros kept")
    func lowercase() {
        #expect(HexText.lowercase([0x00, 0x0f, 0xa0, 0xff, 0x7e]) == "000fa0ff7e")
        #expect(HexText.lowercase([]) == "")
    }

    @Test("raw bytes give the same text as the same bytes as a sequence")
    func raw() {
        let bytes = (0..<256).map { UInt8($0) }
        #expect(bytes.withUnsafeBytes { HexText.lowercase(raw: $0) } == HexText.lowercase(bytes))
        #expect(bytes.withUnsafeBytes { HexText.lowercase(raw: $0) }.hasSuffix("fcfdfeff"))
    }
}
