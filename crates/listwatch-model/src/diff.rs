//! Field-level differences between two versions of one entity, and their application.
//!
//! A diff names each field that differs with its whole value before and after. Multi-valued
//! fields are compared as published, order included: a list that reorders aliases has changed
//! its publication, and an auditor may want to see it.

use serde::{Deserialize, Serialize};

use crate::DateSpec;
use crate::entity::{
    Address, Attribute, Entity, Gender, Identifier, Link, ListDate, Name, Schema, Vessel,
};

/// The value of one entity field, typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// The schema.
    Schema(Schema),
    /// Names.
    Names(Vec<Name>),
    /// A list of strings (programs, places, nationalities, untyped remarks).
    Strings(Vec<String>),
    /// An optional string (title, remarks).
    Text(Option<String>),
    /// Identifiers.
    Identifiers(Vec<Identifier>),
    /// Dates.
    Dates(Vec<DateSpec>),
    /// Gender.
    Gender(Option<Gender>),
    /// Addresses.
    Addresses(Vec<Address>),
    /// Links.
    Links(Vec<Link>),
    /// List dates.
    ListDates(Vec<ListDate>),
    /// Vessel particulars.
    Vessel(Option<Vessel>),
    /// Attributes.
    Attributes(Vec<Attribute>),
}

/// One changed field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field's name, as in the entity's JSON form (`names`, `programs`, ...).
    pub field: String,
    /// The value before.
    pub before: FieldValue,
    /// The value after.
    pub after: FieldValue,
}

macro_rules! fields {
    ($( $name:ident : $variant:ident ),* $(,)?) => {
        /// The names of the fields a diff compares, in the order diffs list them.
        pub const FIELDS: &[&str] = &[$(stringify!($name)),*];

        /// The fields that differ between `before` and `after` (the id is not compared).
        pub fn diff_entities(before: &Entity, after: &Entity) -> Vec<FieldChange> {
            let mut changes = Vec::new();
            $(
                if before.$name != after.$name {
                    changes.push(FieldChange {
                        field: stringify!($name).to_string(),
                        before: FieldValue::$variant(before.$name.clone()),
                        after: FieldValue::$variant(after.$name.clone()),
                    });
                }
            )*
            changes
        }

        /// Applies changes to an entity: each change sets its field to its `after` value.
        ///
        /// Returns an error naming the first change whose field is unknown or whose value has the
        /// wrong type for the field.
        pub fn apply_changes(entity: &mut Entity, changes: &[FieldChange]) -> Result<(), String> {
            for change in changes {
                match (change.field.as_str(), &change.after) {
                    $( (stringify!($name), FieldValue::$variant(value)) => entity.$name = value.clone(), )*
                    (field, _) => return Err(format!("cannot apply a change to field {field:?}")),
                }
            }
            Ok(())
        }
    };
}

fields! {
    schema: Schema,
    names: Names,
    programs: Strings,
    title: Text,
    identifiers: Identifiers,
    birth_dates: Dates,
    birth_places: Strings,
    nationalities: Strings,
    citizenships: Strings,
    gender: Gender,
    addresses: Addresses,
    links: Links,
    list_dates: ListDates,
    vessel: Vessel,
    attributes: Attributes,
    untyped_remarks: Strings,
    remarks: Text,
}
