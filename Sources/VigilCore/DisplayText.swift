/// Text from outside made safe to show a person: control characters (C0, DEL, C1, and the Unicode line,
/// paragraph and direction controls) are written as visible escapes, so that a field can neither move a
/// terminal's cursor, colour its output nor forge a line of its own; values echoed in messages are cut.
public enum DisplayText {
    /// The longest value a message echoes, in characters.
    public static let echoLimit = 80

    /// `text` with every control character written as `\u{…}` (a newline as `\n`, a tab as `\t`).
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where isControl(scalar): result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` escaped and cut to `echoLimit` characters, the cut saying how long the value was.
    public static func echoed(_ text: String) -> String {
        let escaped = escaped(text)
        guard escaped.count > echoLimit else { return escaped }
        return String(escaped.prefix(echoLimit)) + "… (\(text.utf8.count) bytes)"
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
