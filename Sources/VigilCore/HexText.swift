/// Bytes as lower-case hexadecimal text (digests, tokens).
public enum HexText {
    /// Two lower-case hex digits per byte.
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        Array(bytes).withUnsafeBytes { lowercase(raw: $0) }
    }

    /// Two lower-case hex digits per byte, written straight into the string's storage (every imported
    /// record's content digest is one).
    public static func lowercase(raw bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = digit(byte >> 4)
                out[2 * index + 1] = digit(byte & 0xF)
            }
            return bytes.count * 2
        }
    }

    private static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
