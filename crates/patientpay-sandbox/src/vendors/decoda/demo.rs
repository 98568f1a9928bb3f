//! The default seed: the documented demo patients (see the table in the parent module).

use super::*;

pub(super) fn s(v: &str) -> String {
    v.to_owned()
}

pub(super) fn item(
    id: &str,
    name: &str,
    quantity: i64,
    price: i64,
    unit: Option<&str>,
    item_type: &str,
) -> SeedItem {
    SeedItem {
        id: s(id),
        name: s(name),
        quantity,
        price,
        unit: unit.map(s),
        item_type: s(item_type),
    }
}

pub(super) fn charge(
    id: &str,
    description: &str,
    status: &str,
    total: i64,
    outstanding: i64,
    created: &str,
) -> SeedCharge {
    SeedCharge {
        id: s(id),
        description: Some(s(description)),
        status: s(status),
        total,
        total_outstanding: outstanding,
        created_date: s(created),
        items: Vec::new(),
        payments: Vec::new(),
        adjustments: Vec::new(),
        tips: Vec::new(),
    }
}

pub(super) fn saved_card(
    id: &str,
    brand: &str,
    last4: &str,
    exp_month: i64,
    exp_year: i64,
    is_default: bool,
) -> SeedPaymentMethod {
    SeedPaymentMethod {
        id: s(id),
        rainforest_payment_method_id: Some(format!("mtd_sbx_{}", id.trim_start_matches("pm_"))),
        method_type: s("CARD"),
        brand: Some(s(brand)),
        last4: Some(s(last4)),
        exp_month: Some(exp_month),
        exp_year: Some(exp_year),
        account_holder_type: None,
        account_number_last4: None,
        bank_name: None,
        routing_number: None,
        is_default,
        is_archived: false,
        created_date: s("2024-01-02T09:30:00Z"),
    }
}

pub(super) fn card_payment(id: &str, amount: i64, created: &str) -> SeedPayment {
    SeedPayment {
        id: s(id),
        amount,
        payment_amount: None,
        medium: s("CARD"),
        status: s("SUCCEEDED"),
        created_date: s(created),
        card_brand: Some(s("visa")),
        card_last4: Some(s("4242")),
        refunds: Vec::new(),
        payin_id: None,
        payin_config_id: None,
        payment_method_id: None,
    }
}

impl Default for Seed {
    fn default() -> Self {
        let mut ch_1001_1 = charge(
            "ch_1001_1",
            "Botox, 20 units",
            "OUTSTANDING",
            12000,
            8000,
            "2024-02-10T15:20:00.123456",
        );
        ch_1001_1.items.push(item(
            "ci_1001_1",
            "Botox",
            20,
            600,
            Some("UNITS"),
            "MEDICATION",
        ));
        let mut pay = card_payment("pay_1001_card", 4000, "2024-02-10T15:45:00+00:00");
        pay.refunds.push(SeedRefund {
            id: s("rf_1001_1"),
            amount: 500,
            reason: s("DUPLICATE"),
        });
        ch_1001_1.payments.push(pay);
        let mut ch_1001_2 = charge(
            "ch_1001_2",
            "HydraFacial",
            "OUTSTANDING",
            4500,
            4500,
            "2024-03-05T11:00:00Z",
        );
        ch_1001_2.items.push(item(
            "ci_1001_2",
            "HydraFacial",
            1,
            4500,
            Some("SESSIONS"),
            "SERVICE",
        ));
        ch_1001_2.tips.push(SeedTip {
            id: s("tip_1001_2"),
            amount: 500,
            provider_id: s("prov_7"),
            provider_first_name: s("Dana"),
        });
        let mut ch_1001_3 = charge(
            "ch_1001_3",
            "Vitamin B12 shot",
            "PAID",
            3000,
            0,
            "2023-12-01T10:00:00Z",
        );
        ch_1001_3.items.push(item(
            "ci_1001_3",
            "Vitamin B12",
            1,
            3000,
            Some("INJECTIONS"),
            "MEDICATION",
        ));
        ch_1001_3
            .payments
            .push(card_payment("pay_1001_b12", 3000, "2023-12-01T10:05:00Z"));
        let mut ch_1001_4 = charge(
            "ch_1001_4",
            "Consultation",
            "WRITE_OFF",
            2000,
            0,
            "2023-11-20T08:30:00",
        );
        ch_1001_4
            .items
            .push(item("ci_1001_4", "Consultation", 1, 2000, None, "SERVICE"));
        ch_1001_4.adjustments.push(SeedAdjustment {
            id: s("adj_1001_4"),
            amount: 2000,
            adjustment_type: s("WRITE_OFF"),
            reason: Some(s("Courtesy")),
        });

        let mut ch_1002_1 = charge(
            "ch_1002_1",
            "Semaglutide, 1 month",
            "OUTSTANDING",
            6000,
            6000,
            "2024-04-02T09:00:00Z",
        );
        ch_1002_1.items.push(item(
            "ci_1002_1",
            "Semaglutide",
            1,
            6000,
            Some("MG"),
            "MEDICATION",
        ));
        let mut ch_1002_2 = charge(
            "ch_1002_2",
            "Laser package",
            "PAYMENT_PLAN",
            24000,
            18000,
            "2024-01-20T14:00:00Z",
        );
        ch_1002_2.items.push(item(
            "ci_1002_2",
            "Laser hair removal, 6 sessions",
            1,
            24000,
            Some("SESSIONS"),
            "PACKAGE",
        ));
        ch_1002_2
            .payments
            .push(card_payment("pay_1002_plan", 6000, "2024-01-20T14:10:00Z"));

        let mut ch_1003_1 = charge(
            "ch_1003_1",
            "Dermal filler",
            "OUTSTANDING",
            15000,
            15000,
            "2024-05-11T16:00:00Z",
        );
        ch_1003_1.items.push(item(
            "ci_1003_1",
            "Filler syringe",
            2,
            7500,
            Some("SYRINGES"),
            "PRODUCT",
        ));

        Seed {
            patients: vec![
                SeedPatient {
                    id: s("pat_1001"),
                    first_name: s("Maria"),
                    last_name: s("Rivera"),
                    phone: s("+14155550101"),
                    date_of_birth: s("1985-04-12"),
                    email: Some(s("maria.rivera@example.com")),
                    address: Some(s("742 Evergreen Terrace")),
                    city: Some(s("San Francisco")),
                    state: Some(s("CA")),
                    zip_code: Some(s("94107")),
                    created_date: s("2023-01-05T12:00:00Z"),
                    credits: vec![
                        SeedCredit {
                            id: s("cr_1001_a"),
                            amount: 5000,
                            created_date: s("2024-01-10T10:00:00Z"),
                            total_amount: Some(5000),
                            comment: Some(s("Membership credit")),
                            expiry_date: None,
                        },
                        SeedCredit {
                            id: s("cr_1001_b"),
                            amount: 10000,
                            created_date: s("2024-03-01T10:00:00Z"),
                            total_amount: Some(10000),
                            comment: Some(s("Gift card")),
                            expiry_date: Some(s("2099-12-31T23:59:59Z")),
                        },
                        SeedCredit {
                            id: s("cr_1001_used"),
                            amount: 0,
                            created_date: s("2023-06-15T10:00:00Z"),
                            total_amount: Some(2500),
                            comment: Some(s("Referral credit, used")),
                            expiry_date: None,
                        },
                        SeedCredit {
                            id: s("cr_1001_expired"),
                            amount: 1000,
                            created_date: s("2022-01-01T10:00:00Z"),
                            total_amount: Some(1000),
                            comment: Some(s("Promotion, expired")),
                            expiry_date: Some(s("2023-01-01T00:00:00Z")),
                        },
                    ],
                    charges: vec![ch_1001_1, ch_1001_2, ch_1001_3, ch_1001_4],
                    payment_methods: vec![
                        saved_card("pm_1001_visa", "VISA", "4242", 12, 2030, true),
                        saved_card("pm_1001_mc", "MASTERCARD", "4444", 8, 2029, false),
                        saved_card("pm_1001_declined", "VISA", "0002", 1, 2031, false),
                    ],
                },
                SeedPatient {
                    id: s("pat_1002"),
                    first_name: s("James"),
                    last_name: s("Chen"),
                    phone: s("+13125550188"),
                    date_of_birth: s("1972-11-30"),
                    email: Some(s("james.chen@example.com")),
                    address: None,
                    city: Some(s("Chicago")),
                    state: Some(s("IL")),
                    zip_code: None,
                    created_date: s("2023-03-14T08:00:00.5"),
                    credits: vec![SeedCredit {
                        id: s("cr_1002_a"),
                        amount: 2000,
                        created_date: s("2024-02-01T10:00:00Z"),
                        total_amount: Some(2000),
                        comment: None,
                        expiry_date: None,
                    }],
                    charges: vec![ch_1002_1, ch_1002_2],
                    payment_methods: vec![
                        saved_card("pm_1002_amex", "AMERICAN_EXPRESS", "0005", 3, 2028, true),
                        SeedPaymentMethod {
                            id: s("pm_1002_ach"),
                            rainforest_payment_method_id: Some(s("mtd_sbx_1002_ach")),
                            method_type: s("ACH"),
                            brand: None,
                            last4: None,
                            exp_month: None,
                            exp_year: None,
                            account_holder_type: Some(s("INDIVIDUAL")),
                            account_number_last4: Some(6789),
                            bank_name: Some(s("Chase")),
                            routing_number: Some(21000021),
                            is_default: false,
                            is_archived: false,
                            created_date: s("2024-02-01T10:05:00Z"),
                        },
                    ],
                },
                SeedPatient {
                    id: s("pat_1003"),
                    first_name: s("Aisha"),
                    last_name: s("Okafor"),
                    phone: s("+12025550142"),
                    date_of_birth: s("1990-07-04"),
                    email: None,
                    address: None,
                    city: None,
                    state: None,
                    zip_code: None,
                    created_date: s("2023-09-09T09:09:09Z"),
                    credits: Vec::new(),
                    charges: vec![ch_1003_1],
                    payment_methods: Vec::new(),
                },
            ],
        }
    }
}
