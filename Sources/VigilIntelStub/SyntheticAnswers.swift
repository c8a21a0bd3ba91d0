import Foundation

/// Deterministic synthetic answers derived from the query, for queries no fixture matches: the same
/// query always gets the same answer, and a fraction of them reveal risk so research has work to do.
enum SyntheticAnswers {
    private static let firstNames = ["Alex", "Robin", "Jamie", "Morgan", "Casey", "Jordan"]
    private static let lastNames = ["Synthetic", "Fictional", "Madeup", "Placeholder"]

    /// The answer (status, JSON object) of `source` to a query whose canonical text is `query`.
    static func answer(source: String, query: String) -> (status: Int, body: [String: Any]) {
        let h = fnv1a(source + "|" + query)
        func pick<T>(_ list: [T], _ salt: UInt64) -> T { list[Int((h >> salt) % UInt64(list.count))] }
        let person: [String: Any] = [
            "name": "\(pick(firstNames, 3)) \(pick(lastNames, 7))",
            "dateOfBirth": "19\(60 + Int(h % 40))-0\(1 + Int(h % 9))-1\(Int(h % 9))",
        ]
        switch source {
        case "subscriber":
            return (
                200,
                [
                    "address": [
                        "line1": "\(1 + h % 200) Synthetic Street", "town": "Exampleton",
                        "postcode": "ZZ\(10 + h % 90) \(1 + h % 9)SY",
                        "addressType": h % 4 == 0 ? "billing" : "installation",
                    ],
                    "persons": [person], "summary": "synthetic subscriber",
                ]
            )
        case "occupants":
            return (200, ["persons": [person]])
        case "social-care":
            return h % 5 == 0
                ? (200, ["facts": ["childAccessHousehold": "yes"], "children": [["age": Int(h % 17), "relation": "household"]]])
                : (200, ["facts": ["childAccessHousehold": "no"]])
        case "local-records":
            return (200, ["facts": ["otherRiskFactors": h % 7 == 0 ? "yes" : "no", "childAccessOther": h % 11 == 0 ? "yes" : "no"]])
        case "pnc":
            return (200, ["facts": ["sexualOffenceHistory": h % 10 == 0 ? "yes" : "no", "otherRiskFactors": h % 6 == 0 ? "yes" : "no"]])
        case "visor":
            return h % 25 == 0 ? (200, ["facts": ["sexualOffenceHistory": "yes"]]) : (404, ["noRecord": true])
        case "employment":
            return h % 12 == 0
                ? (200, ["occupation": ["title": "Youth worker (synthetic)", "worksWithChildren": true]])
                : (200, ["occupation": ["title": "Clerk (synthetic)", "worksWithChildren": false]])
        case "pnd":
            return (200, ["facts": ["sexualOffenceHistory": h % 15 == 0 ? "yes" : "no"]])
        default:
            return (404, ["error": "no such source"])
        }
    }

    /// 64-bit FNV-1a: stable across runs and machines, unlike `Hasher`.
    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
