//! The parts of a person's data an access journal entry names. The names are data: they are
//! stored in `access_journal.section` and shown to the person at `/v1/me/journal`, so a name
//! never changes once written; a new part gets a new variant.

/// Which part of a person's data an access touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JournalSection {
    /// The dossier itself: registration, reading and updating the person.
    Dossier,
    /// A match found by `POST /v1/persons/match`.
    Match,
    /// A person listed for action (registered, not oriented yet).
    Registration,
    /// The orientation decision.
    Orientation,
    /// The versions of the person's record.
    History,
    /// The events of the person's path.
    Timeline,
    /// The diagnostic without its social part.
    Diagnostic,
    /// The diagnostic with its social part (sensitive): named apart so the person sees who saw it.
    DiagnosticSocial,
    /// A contract of reciprocal commitments, or its history.
    Contract,
    /// A review of a contract.
    Review,
    /// The person's consents.
    Consents,
    /// A one-time code giving the person access to their own dossier.
    AccessCode,
    /// The erasure of the whole dossier, at the request of the person's organization.
    Erasure,
    /// Limiting the processing of the dossier, or lifting the limitation, at the request of the
    /// person's organization.
    Limitation,
    /// A part of the dossier embedded in an event of the change feed (`embed=resource`), read
    /// by a partner system that mirrors it.
    ChangeFeed,
    /// The organizations co-accompanying the person beside the référent.
    CoAccompaniment,
    /// The breaches of the contract's duties and the measures decided (sensitive: named apart).
    Duties,
    /// The person's profile in the profile bank (banque de profils): built, changed, or seen by
    /// a recruiter.
    Profile,
    /// The person's positionings on training sessions: the counsellor's positioning, the
    /// provider's answer, the entry and the exit (Ouiform).
    Training,
    /// A recruiter's contact request through the profile bank: sent, or the contact details the
    /// person shared read by the recruiter once accepted.
    ContactRequest,
}

impl JournalSection {
    pub const ALL: [JournalSection; 20] = [
        Self::Dossier,
        Self::Match,
        Self::Registration,
        Self::Orientation,
        Self::History,
        Self::Timeline,
        Self::Diagnostic,
        Self::DiagnosticSocial,
        Self::Contract,
        Self::Review,
        Self::Consents,
        Self::AccessCode,
        Self::Erasure,
        Self::Limitation,
        Self::ChangeFeed,
        Self::CoAccompaniment,
        Self::Duties,
        Self::Profile,
        Self::Training,
        Self::ContactRequest,
    ];

    /// The name stored in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dossier => "dossier",
            Self::Match => "match",
            Self::Registration => "registration",
            Self::Orientation => "orientation",
            Self::History => "history",
            Self::Timeline => "timeline",
            Self::Diagnostic => "diagnostic",
            Self::DiagnosticSocial => "diagnostic+social",
            Self::Contract => "contract",
            Self::Review => "review",
            Self::Consents => "consents",
            Self::AccessCode => "access_code",
            Self::Erasure => "erasure",
            Self::Limitation => "limitation",
            Self::ChangeFeed => "change_feed",
            Self::CoAccompaniment => "co_accompaniment",
            Self::Duties => "duties",
            Self::Profile => "profile",
            Self::Training => "training",
            Self::ContactRequest => "contact_request",
        }
    }

    /// The section a stored name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|section| section.as_str() == name)
    }

    /// Why an access to this section is made: the purpose every operation touching it
    /// declares, journaled with the access and shown to the person.
    pub fn purpose(self) -> &'static str {
        match self {
            Self::Match => "identification",
            Self::Registration | Self::Orientation => "orientation",
            Self::Dossier
            | Self::History
            | Self::Timeline
            | Self::Diagnostic
            | Self::DiagnosticSocial
            | Self::Contract
            | Self::Review
            | Self::CoAccompaniment
            | Self::Training => "accompaniment",
            Self::Duties => "rights_and_duties",
            Self::Consents => "consent_management",
            Self::AccessCode => "person_access",
            Self::Erasure => "erasure",
            Self::Limitation => "limitation",
            Self::ChangeFeed => "synchronization",
            Self::Profile | Self::ContactRequest => "profile_bank",
        }
    }

    /// The diagnostic's section: the social part is named whenever it was written or returned.
    pub fn diagnostic(social: bool) -> Self {
        if social { Self::DiagnosticSocial } else { Self::Diagnostic }
    }
}

#[cfg(test)]
mod tests {
    use super::JournalSection;

    /// The names are stored: changing one would split a person's journal in two.
    #[test]
    fn the_stored_names_do_not_change() {
        let names: Vec<_> = JournalSection::ALL.into_iter().map(JournalSection::as_str).collect();
        assert_eq!(
            names,
            [
                "dossier",
                "match",
                "registration",
                "orientation",
                "history",
                "timeline",
                "diagnostic",
                "diagnostic+social",
                "contract",
                "review",
                "consents",
                "access_code",
                "erasure",
                "limitation",
                "change_feed",
                "co_accompaniment",
                "duties",
                "profile",
                "training",
                "contact_request"
            ]
        );
    }

    #[test]
    fn every_name_reads_back_as_its_section() {
        for section in JournalSection::ALL {
            assert_eq!(JournalSection::parse(section.as_str()), Some(section));
        }
        assert_eq!(JournalSection::parse("contracts"), None);
    }
}
