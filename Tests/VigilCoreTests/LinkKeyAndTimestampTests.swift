import Foundation
import Testing
import VigilCore

@Suite("link keys, timestamps and case ids")
struct LinkKeyAndTimestampTests {
    @Test("identifiers normalise so that spellings of one identity link")
    func linkKeys() {
        #expect(LinkKey.email(" Sam.Sample@Example.COM ") == LinkKey.email("sam.sample@example.com"))
        #expect(LinkKey.phone("07700 900123") == LinkKey(rawValue: "phone:447700900123"))
        #expect(LinkKey.phone("+44 7700 900123") == LinkKey.phone("07700900123"))
        #expect(LinkKey.espAccount(service: "Example Chat", userId: "u1") == LinkKey.espAccount(service: "example chat", userId: "u1"))
        #expect(LinkKey.espAccount(service: "Example Chat", userId: "u1") != LinkKey.espAccount(service: "Example Chat", userId: "U1"))
        #expect(
            LinkKey.installationAddress(postcode: "zz1 1aa", line1: "12 Placeholder Close")
                == LinkKey.installationAddress(postcode: "ZZ11AA", line1: "12, placeholder  close"))
        #expect(LinkKey.p2pClient(network: "BitTorrent", clientId: "") == nil)
        #expect(LinkKey.email("  ") == nil)
    }

    @Test("addresses and postcodes normalise the same way by the ASCII byte path and the general character path")
    func addressNormalisation() {
        let cases: [(postcode: String, line1: String, key: String?)] = [
            (" zz1\t1aa\r\n", "  12  High-Street,, Flat 3B ", "address:ZZ11AA|12 high street flat 3b"),
            ("ZZ9 9ZZ", "---", nil),
            ("", "1 Example Row", nil),
            ("zz1 1aa", "Rue de l'Église 5", "address:ZZ11AA|rue de l église 5"),
            ("zz1\u{00A0}1aa", "Straße 7", "address:ZZ11AA|straße 7"),
        ]
        for (postcode, line1, key) in cases {
            #expect(LinkKey.installationAddress(postcode: postcode, line1: line1)?.rawValue == key, "\(postcode) \(line1)")
        }
        #expect(LinkKey.normalisedPostcode(" ab1\u{0B}2cd\u{0C}") == "AB12CD")
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = String(
                decoding: (0..<Int.random(in: 0...16, using: &random)).map { _ in UInt8.random(in: 0...0x7F, using: &random) },
                as: UTF8.self)
            let words = text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: " ")
            #expect(
                LinkKey.installationAddress(postcode: "ZZ1 1AA", line1: text)?.rawValue == (words.isEmpty ? nil : "address:ZZ11AA|\(words)"),
                "\(Array(text.utf8))")
            #expect(LinkKey.normalisedPostcode(text) == text.uppercased().filter { !$0.isWhitespace }, "\(Array(text.utf8))")
        }
    }

    @Test("only installation addresses link cases")
    func installationOnly() {
        let billing = PostalAddress(line1: "1 Example Row", town: nil, postcode: "ZZ1 1AA", addressType: .billing)
        #expect(billing.installationLinkKey == nil)
        var installation = billing
        installation.addressType = .installation
        #expect(installation.installationLinkKey != nil)
    }

    @Test("timestamps need an explicit offset")
    func offsets() throws {
        #expect(Timestamp.parse("2026-03-01T00:00:00Z") == .success(t0))
        #expect(Timestamp.parse("2026-03-01T01:00:00+01:00") == .success(t0))
        #expect(Timestamp.parse("2026-02-28T19:00:00-05:00") == .success(t0))
        #expect(Timestamp.parse("2026-03-01T00:00:00") == .failure(.missingOffset))
        #expect(Timestamp.parse("2026-02-30T00:00:00Z") == .failure(.malformed))
        #expect(Timestamp.parse("2026-03-01T00:00:00+0100") == .failure(.malformed))
        #expect(Timestamp.parse("yesterday") == .failure(.malformed))
        let fractional = try Timestamp.parse("2026-03-01T00:00:00.250Z").get()
        #expect(fractional.timeIntervalSince(t0) == 0.25)
    }

    @Test("formatting round-trips in UTC, milliseconds only when present")
    func formatting() throws {
        #expect(Timestamp.format(t0) == "2026-03-01T00:00:00Z")
        #expect(Timestamp.format(t0.addingTimeInterval(0.5)) == "2026-03-01T00:00:00.500Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -86400)) == "1969-12-31T00:00:00Z")
        for text in ["2024-02-29T23:59:59Z", "2000-01-01T00:00:00Z", "2099-12-31T12:30:45.125Z"] {
            #expect(Timestamp.format(try Timestamp.parse(text).get()) == text)
        }
        #expect(Timestamp.isCalendarDate("2024-02-29"))
        #expect(!Timestamp.isCalendarDate("2023-02-29"))
    }

    @Test("case ids print padded and parse in several spellings")
    func caseIds() {
        #expect(CaseID(42).description == "C-000042")
        #expect(CaseID(text: "C-000042") == CaseID(42))
        #expect(CaseID(text: "c42") == CaseID(42))
        #expect(CaseID(text: "42") == CaseID(42))
        #expect(CaseID(text: "C-") == nil)
        #expect(CaseID(text: "0") == nil)
    }
}
