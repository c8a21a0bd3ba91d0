public import VigilCore

/// One record of a batch after parsing: where it stood, its ref when readable, and either the
/// submission to store or every reason it was refused.
public struct IntakeRecord: Sendable {
    /// 1-based line where the record starts.
    public var line: Int
    /// The record's ref, when it could be read.
    public var ref: String?
    /// The submission, or the field errors.
    public var result: Result<ReferralSubmission, IntakeRejection>

    /// Creates a record.
    public init(line: Int, ref: String?, result: Result<ReferralSubmission, IntakeRejection>) {
        self.line = line
        self.ref = ref
        self.result = result
    }
}

/// The reasons a record was refused.
public struct IntakeRejection: Error, Sendable, Hashable {
    /// One error per bad field.
    public var errors: [FieldError]

    /// Creates a rejection.
    public init(errors: [FieldError]) { self.errors = errors }
}

/// The batch formats `vigil import --format` takes.
public enum IntakeFormat: String, Sendable, CaseIterable {
    /// NCA referral packages: JSON Lines or a JSON array.
    case nca
    /// P2P detection leads: JSON Lines, a JSON array, or CSV with a header row.
    case p2p
    /// NCMEC CyberTipline reports in NCMEC's own XML, each in an `<ncaReferral>` envelope (docs/CYBERTIP-XML.md).
    case cybertipXML = "cybertip-xml"

    /// The field that names a record.
    public var refField: String {
        switch self {
        case .nca: "packageId"
        case .p2p: "leadId"
        case .cybertipXML: "reportId"
        }
    }

    /// Where the format's referrals come from.
    public var source: ReferralSource {
        switch self {
        case .nca: .nca
        case .p2p: .p2p
        case .cybertipXML: .ncmec
        }
    }
}
