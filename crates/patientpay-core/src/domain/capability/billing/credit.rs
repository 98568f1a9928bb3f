//! A patient's credit: the balance ([`CreditBalanceRequest`] → [`CreditBalance`]) and the
//! list of [`Credit`]s ([`ListCredits`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::domain::{CallOptions, PatientRef, VendorData};
use crate::money::Money;
use crate::redact::Redacted;
use crate::with_options;

/// Asks for a patient's available credit.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CreditBalanceRequest {
    /// The patient.
    pub patient: PatientRef,
    /// Per-call options.
    pub options: CallOptions,
}

impl CreditBalanceRequest {
    /// The available credit of `patient`.
    pub fn new(patient: PatientRef) -> CreditBalanceRequest {
        CreditBalanceRequest {
            patient,
            options: CallOptions::default(),
        }
    }
}
with_options!(CreditBalanceRequest);

/// One credit of a patient.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Credit {
    /// The credit's id (to settle with specific credits).
    pub id: String,
    /// What it was worth.
    pub amount: Money,
    /// What is left of it.
    pub remaining: Money,
    /// When it was given.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// When it expires.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub expires_at: Option<OffsetDateTime>,
    /// Staff's comment (may hold PHI: redacted in `Debug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Every other field the vendor sent.
    #[serde(default, skip_serializing_if = "VendorData::is_empty")]
    pub vendor_data: VendorData,
}

impl fmt::Debug for Credit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credit")
            .field("id", &self.id)
            .field("amount", &self.amount)
            .field("remaining", &self.remaining)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("comment", &self.comment.as_ref().map(|_| Redacted))
            .field("vendor_data", &self.vendor_data)
            .finish()
    }
}

impl Credit {
    /// A credit with the required fields.
    pub fn new(id: impl Into<String>, amount: Money, remaining: Money) -> Credit {
        Credit {
            id: id.into(),
            amount,
            remaining,
            created_at: None,
            expires_at: None,
            comment: None,
            vendor_data: VendorData::default(),
        }
    }
}

/// A patient's available credit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreditBalance {
    /// The total available now (non-expired, not fully used).
    pub total_available: Money,
    /// The credits that make it up.
    pub credits: Vec<Credit>,
}

impl CreditBalance {
    /// A balance.
    pub fn new(total_available: Money, credits: Vec<Credit>) -> CreditBalance {
        CreditBalance {
            total_available,
            credits,
        }
    }
}

/// Lists a patient's credits.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ListCredits {
    /// The patient.
    pub patient: PatientRef,
    /// Items per page (the vendor's limit applies; Decoda: 1–100, default 50).
    pub per_page: Option<u32>,
    /// Include expired credits.
    pub include_expired: bool,
    /// Include fully used credits.
    pub include_used: bool,
    /// Per-call options, for every page.
    pub options: CallOptions,
}

impl ListCredits {
    /// Every credit of `patient`, used ones included, expired ones not.
    pub fn new(patient: PatientRef) -> ListCredits {
        ListCredits {
            patient,
            per_page: None,
            include_expired: false,
            include_used: true,
            options: CallOptions::default(),
        }
    }

    /// Sets the page size.
    pub fn with_per_page(mut self, per_page: u32) -> ListCredits {
        self.per_page = Some(per_page);
        self
    }
}
with_options!(ListCredits);
