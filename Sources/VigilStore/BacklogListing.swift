#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The backlog as `vigil backlog --json` and `GET /api/v1/backlog` print it.
public struct BacklogListing: Sendable, Codable {
    /// The moment ageing, due and overdue were judged at.
    public var asOf: Date
    /// Open cases in backlog order.
    public var cases: [BacklogEntry]
    /// Through the API: the path and query of the next page, absent on the last one.
    public var next: String?

    /// Creates a listing.
    public init(asOf: Date, cases: [BacklogEntry], next: String? = nil) {
        self.asOf = asOf
        self.cases = cases
        self.next = next
    }
}

/// The result of a claim as `vigil next --json` and `POST /api/v1/cases/next` print it: `{"case": …}`,
/// or `{"case": null}` when nothing is left.
public struct ClaimResult: Sendable, Codable {
    /// The claimed case.
    public var claimed: BacklogEntry?

    /// Creates a result.
    public init(claimed: BacklogEntry?) { self.claimed = claimed }

    private enum CodingKeys: String, CodingKey { case claimed = "case" }

    /// Decodes `{"case": …}`.
    public init(from decoder: any Decoder) throws {
        claimed = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(BacklogEntry.self, forKey: .claimed)
    }

    /// Encodes `case` with an explicit `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(claimed, forKey: .claimed)
    }
}
