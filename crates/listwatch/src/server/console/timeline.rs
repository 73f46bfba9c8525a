//! The entity page's picture: an entity's life on each list drawn as bands over time, computed
//! here as plain geometry (numbers and words) that the template writes out as SVG, so every value
//! is escaped by the template engine and the page needs no inline style.
//!
//! A band's colour at a day is the state the status engine answers for that day
//! ([`listwatch_status::status`]); the state can only change on a day of the timeline or the day
//! after, so those days are the only ones asked.

use listwatch_model::Date;
use listwatch_status::{Question, Record, Regimes, State, TimelineEvent, status};

/// The width of the drawing area, in SVG units.
pub(crate) const WIDTH: f64 = 960.0;
/// Where the bands start (the list names are written left of it).
pub(crate) const LEFT: f64 = 170.0;
/// The height of one band.
pub(crate) const BAND: f64 = 34.0;
/// The space above the first band (event markers).
pub(crate) const TOP: f64 = 24.0;

/// One list's band.
pub(crate) struct Band {
    pub(crate) label: String,
    pub(crate) y: String,
    pub(crate) text_y: String,
    pub(crate) segments: Vec<Segment>,
    pub(crate) markers: Vec<Marker>,
}

/// A stretch of time in one state.
pub(crate) struct Segment {
    pub(crate) x: String,
    pub(crate) width: String,
    pub(crate) state: &'static str,
    pub(crate) from: Date,
    pub(crate) to: Date,
    /// The state's name when the stretch is wide enough to write it.
    pub(crate) label: Option<&'static str>,
    pub(crate) label_x: String,
}

/// A dated step on a band (a legal event, a designation, a removal).
pub(crate) struct Marker {
    pub(crate) number: usize,
    pub(crate) date: Date,
    pub(crate) kind: String,
    pub(crate) basis: &'static str,
    pub(crate) source: String,
    /// Whether it is a recorded legal event (drawn as a diamond) or a list's step (a tick).
    pub(crate) legal: bool,
    pub(crate) points: String,
}

/// A year (or month) mark on the time axis.
pub(crate) struct Tick {
    pub(crate) x: String,
    pub(crate) label: String,
}

/// The whole picture.
pub(crate) struct Picture {
    pub(crate) bands: Vec<Band>,
    pub(crate) ticks: Vec<Tick>,
    pub(crate) height: String,
    pub(crate) axis_y: String,
    pub(crate) tick_label_y: String,
    pub(crate) start: Date,
    pub(crate) end: Date,
    /// The day the status control asks about, drawn as a line.
    pub(crate) cursor: Option<(String, Date)>,
}

/// The CSS class of a state.
pub(crate) fn state_class(state: State) -> &'static str {
    state.as_str()
}

fn fmt(x: f64) -> String {
    format!("{x:.1}")
}

/// Draws the records (one per list an entity is on), each with its timeline, as known on
/// `known_on`, with a cursor on `cursor`.
pub(crate) fn draw(
    records: &[(String, Record, Vec<TimelineEvent>)],
    regimes: &Regimes,
    known_on: Option<Date>,
    cursor: Option<Date>,
) -> Picture {
    let mut days: Vec<Date> = records
        .iter()
        .flat_map(|(_, record, steps)| {
            steps
                .iter()
                .map(|s| s.date)
                .chain(record.observations.iter().map(|o| o.published))
                .collect::<Vec<_>>()
        })
        .collect();
    days.extend(cursor);
    days.sort();
    days.dedup();
    let (first, last) = match (days.first(), days.last()) {
        (Some(first), Some(last)) => (*first, *last),
        _ => {
            let today = Date::today_utc();
            (today, today)
        }
    };
    let span = (last.to_days() - first.to_days()).max(60);
    let start = first.add_days(-(span / 12).max(30));
    let end = last.add_days((span / 8).max(60));
    let total = (end.to_days() - start.to_days()) as f64;
    let x_of = |d: Date| LEFT + (d.to_days() - start.to_days()) as f64 / total * (WIDTH - LEFT);
    let mut number = 0;
    let mut bands = Vec::new();
    for (idx, (label, record, steps)) in records.iter().enumerate() {
        let y = TOP + idx as f64 * (BAND + 14.0);
        // The days the state may change: each step's day and the day after it.
        let mut probes: Vec<Date> = steps
            .iter()
            .flat_map(|s| [s.date, s.date.add_days(1)])
            .chain(record.observations.iter().map(|o| o.published))
            .filter(|d| *d >= start && *d <= end)
            .collect();
        probes.push(start);
        probes.sort();
        probes.dedup();
        let mut segments: Vec<Segment> = Vec::new();
        for (i, day) in probes.iter().enumerate() {
            let state = status(record, Question { as_of: *day, known_on }, regimes).state;
            let to = probes.get(i + 1).copied().unwrap_or(end);
            match segments.last_mut() {
                Some(last) if last.state == state_class(state) => last.to = to,
                _ => segments.push(Segment {
                    x: String::new(),
                    width: String::new(),
                    state: state_class(state),
                    from: *day,
                    to,
                    label: None,
                    label_x: String::new(),
                }),
            }
        }
        for segment in &mut segments {
            let (x0, x1) = (x_of(segment.from), x_of(segment.to));
            segment.x = fmt(x0);
            segment.width = fmt((x1 - x0).max(0.5));
            // About 6.5 units per character at the picture's font size.
            if x1 - x0 > segment.state.len() as f64 * 6.5 + 8.0 {
                segment.label = Some(segment.state);
            }
            segment.label_x = fmt(x0 + 4.0);
        }
        let markers = steps
            .iter()
            .filter(|s| {
                matches!(s.basis, listwatch_status::Basis::Recorded)
                    || s.kind.contains("listed")
                    || s.kind.contains("removed")
                    || s.kind.contains("designat")
            })
            .map(|s| {
                number += 1;
                let x = x_of(s.date);
                let legal = matches!(s.basis, listwatch_status::Basis::Recorded);
                let points = if legal {
                    format!(
                        "{},{} {},{} {},{} {},{}",
                        fmt(x),
                        fmt(y - 9.0),
                        fmt(x + 6.0),
                        fmt(y - 3.0),
                        fmt(x),
                        fmt(y + 3.0),
                        fmt(x - 6.0),
                        fmt(y - 3.0)
                    )
                } else {
                    format!(
                        "{},{} {},{} {},{}",
                        fmt(x - 5.0),
                        fmt(y - 8.0),
                        fmt(x + 5.0),
                        fmt(y - 8.0),
                        fmt(x),
                        fmt(y)
                    )
                };
                Marker {
                    number,
                    date: s.date,
                    kind: s.kind.clone(),
                    basis: s.basis.as_str(),
                    source: s.source.clone(),
                    legal,
                    points,
                }
            })
            .collect();
        bands.push(Band {
            label: label.clone(),
            y: fmt(y),
            text_y: fmt(y + BAND / 2.0 + 4.0),
            segments,
            markers,
        });
    }
    let axis = TOP + records.len() as f64 * (BAND + 14.0);
    let mut ticks = Vec::new();
    let years = end.year() - start.year();
    for year in start.year()..=end.year() {
        for month in [1u8, 4, 7, 10] {
            if years > 3 && month != 1 {
                continue;
            }
            let Ok(day) = Date::new(year, month, 1) else { continue };
            if day < start || day > end {
                continue;
            }
            let label = if month == 1 { year.to_string() } else { format!("{year}-{month:02}") };
            ticks.push(Tick { x: fmt(x_of(day)), label });
        }
    }
    Picture {
        bands,
        ticks,
        height: fmt(axis + 30.0),
        axis_y: fmt(axis),
        tick_label_y: fmt(axis + 18.0),
        start,
        end,
        cursor: cursor.filter(|d| *d >= start && *d <= end).map(|d| (fmt(x_of(d)), d)),
    }
}
