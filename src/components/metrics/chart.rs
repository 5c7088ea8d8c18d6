//! The five metric charts as SVG drawn by the app: percent gridlines (0-100, fixed, so an idle
//! GPU looks idle), time ticks in local time, the series with gaps where readings are missing,
//! thin lines for each GPU under the average, a one-sentence summary that is the chart's
//! accessible name, and the exact reading under the pointer or the keyboard's cursor.
//!
//! Why by hand rather than in `view!`: the charts are redrawn whole once a minute and hold
//! hundreds of elements that never change on their own, so they need none of the view's
//! reactivity, and one plain function (`add`) making every element costs a fraction of the
//! wasm a typed view of each element would. Only attributes and text are set (no markup is
//! parsed, and no inline style, which the server's CSP forbids).
//!
//! Layout without measuring: the outer SVG is in CSS pixels with a fixed height and a width of
//! 100 %, so labels keep their size at any width and are placed by percentage; the lines are
//! drawn in an inner SVG whose box ([`WIDTH`] × [`HEIGHT`]) is stretched to the plot, with
//! strokes that do not scale. The SVG's children take no pointer events (CSS), so a pointer's
//! `offsetX` is always across the chart itself.

use instance_model::metrics::chart::{
    nearest, path, segments, step, time_at, time_ticks, x_percent, HEIGHT, WIDTH,
};
use instance_model::metrics::query::{Query, Window};
use instance_model::metrics::summary::{busiest, percent, read_out, sentence, summarize};
use instance_model::metrics::{Gpu, Series};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

const SVG: &str = "http://www.w3.org/2000/svg";
/// Where the plot sits in the chart's 150 px: from 10 px down to 126 px; tick labels below.
const PLOT_TOP: i64 = 10;
const PLOT_HEIGHT: i64 = 116;
const MAX_TICKS: usize = 6;

/// One chart's data.
pub struct ChartData {
    /// The `data-metric` value.
    pub metric: &'static str,
    pub title: &'static str,
    /// The series' name in the summary ("GPU", "CPU").
    pub name: &'static str,
    /// The line the summary speaks of: the GPU average, or the one series.
    pub main: Series,
    /// Each GPU, drawn thin under the average when there are several.
    pub gpus: Vec<Gpu>,
    pub query: Query,
    pub window: Window,
    pub offset_minutes: i32,
}

/// A place in the panel: a chart, or a metric the API did not send at all.
pub enum Slot {
    Chart(ChartData),
    Missing {
        metric: &'static str,
        title: &'static str,
    },
}

/// y in the chart of a percentage.
fn y_of(pct: i64) -> String {
    (PLOT_TOP + (100 - pct) * PLOT_HEIGHT / 100).to_string()
}

/// Makes a `tag` element (in the SVG namespace when `svg`) with `attrs` and `text`, at the end
/// of `parent`.
fn add(
    doc: &Document,
    parent: &Element,
    svg: bool,
    tag: &str,
    attrs: &[(&str, &str)],
    text: &str,
) -> Option<Element> {
    let el = if svg {
        doc.create_element_ns(Some(SVG), tag).ok()?
    } else {
        doc.create_element(tag).ok()?
    };
    for (name, value) in attrs {
        el.set_attribute(name, value).ok()?;
    }
    if !text.is_empty() {
        el.set_text_content(Some(text));
    }
    parent.append_child(&el).ok()?;
    Some(el)
}

/// Replaces what `container` holds with the charts of `slots`.
pub fn draw(container: &Element, slots: &[Slot]) {
    container.set_text_content(None);
    let Some(doc) = container.owner_document() else {
        return;
    };
    for slot in slots {
        match slot {
            Slot::Chart(data) => {
                draw_chart(&doc, container, data);
            }
            Slot::Missing { metric, title } => {
                let figure = add(
                    &doc,
                    container,
                    false,
                    "figure",
                    &[
                        ("class", "chart"),
                        ("data-testid", "metric-missing"),
                        ("data-metric", metric),
                    ],
                    "",
                );
                if let Some(figure) = figure {
                    let caption = add(&doc, &figure, false, "figcaption", &[], "");
                    if let Some(caption) = caption {
                        add(&doc, &caption, false, "strong", &[], title);
                    }
                    add(
                        &doc,
                        &figure,
                        false,
                        "p",
                        &[("class", "muted")],
                        "Not reported by the API for this instance.",
                    );
                }
            }
        }
    }
}

fn draw_chart(doc: &Document, container: &Element, d: &ChartData) -> Option<()> {
    let q = d.query;
    let mut summary = sentence(
        d.name,
        summarize(&d.main).as_ref(),
        &q,
        d.window.phrase(),
        d.offset_minutes,
    );
    if let Some((id, average)) = busiest(&d.gpus) {
        summary.push_str(&format!("; GPU {id} busiest, {} average", percent(average)));
    }
    let figure = add(doc, container, false, "figure", &[("class", "chart")], "")?;
    let caption = add(doc, &figure, false, "figcaption", &[], "")?;
    add(doc, &caption, false, "strong", &[], d.title);
    add(
        doc,
        &caption,
        false,
        "span",
        &[("class", "chart-summary"), ("aria-hidden", "true")],
        &summary,
    );
    let svg = add(
        doc,
        &figure,
        true,
        "svg",
        &[
            ("class", "chart-svg"),
            ("data-testid", "metric-chart"),
            ("data-metric", d.metric),
            ("role", "img"),
            ("aria-label", &summary),
            ("tabindex", "0"),
            ("height", "150"),
        ],
        "",
    )?;
    for pct in [100, 75, 50, 25, 0] {
        let y = y_of(pct);
        add(
            doc,
            &svg,
            true,
            "line",
            &[
                ("class", "grid"),
                ("x1", "0"),
                ("x2", "100%"),
                ("y1", &y),
                ("y2", &y),
            ],
            "",
        );
        if pct % 50 == 0 {
            let label_y = (PLOT_TOP + (100 - pct) * PLOT_HEIGHT / 100 - 3).to_string();
            add(
                doc,
                &svg,
                true,
                "text",
                &[("class", "axis"), ("x", "2"), ("y", &label_y)],
                &format!("{pct}%"),
            );
        }
    }
    let (top, bottom) = (y_of(100), y_of(0));
    for tick in time_ticks(q.start, q.end, MAX_TICKS, d.offset_minutes) {
        let x = x_percent(tick.at, q.start, q.end);
        let permille = (tick.at - q.start) * 1000 / (q.end - q.start).max(1);
        let anchor = match permille {
            ..=60 => "start",
            940.. => "end",
            _ => "middle",
        };
        add(
            doc,
            &svg,
            true,
            "line",
            &[
                ("class", "tick"),
                ("x1", &x),
                ("x2", &x),
                ("y1", &top),
                ("y2", &bottom),
            ],
            "",
        );
        add(
            doc,
            &svg,
            true,
            "text",
            &[
                ("class", "axis"),
                ("x", &x),
                ("y", "144"),
                ("text-anchor", anchor),
            ],
            &tick.label,
        );
    }
    let plot = add(
        doc,
        &svg,
        true,
        "svg",
        &[
            ("x", "0"),
            ("y", &PLOT_TOP.to_string()),
            ("width", "100%"),
            ("height", &PLOT_HEIGHT.to_string()),
            ("viewBox", &format!("0 0 {WIDTH} {HEIGHT}")),
            ("preserveAspectRatio", "none"),
            ("aria-hidden", "true"),
        ],
        "",
    )?;
    let line = |points: &Series, class: &str| {
        let d = path(&segments(points, q.interval), q.start, q.end);
        add(
            doc,
            &plot,
            true,
            "path",
            &[
                ("class", class),
                ("vector-effect", "non-scaling-stroke"),
                ("d", &d),
            ],
            "",
        );
    };
    if d.gpus.len() > 1 {
        for gpu in &d.gpus {
            if let Some(points) = &gpu.points {
                line(points, "line gpu");
            }
        }
    }
    line(&d.main, "line main");
    add(
        doc,
        &svg,
        true,
        "line",
        &[
            ("class", "cursor"),
            ("visibility", "hidden"),
            ("y1", &top),
            ("y2", &bottom),
        ],
        "",
    );
    add(
        doc,
        &figure,
        false,
        "p",
        &[("class", "chart-readout"), ("aria-live", "polite")],
        "",
    );
    Some(())
}

/// The chart an event happened on: its SVG and its place in `slots`.
pub fn chart_of(target: Option<web_sys::EventTarget>, slots: &[Slot]) -> Option<(Element, usize)> {
    let svg = target?
        .dyn_into::<Element>()
        .ok()?
        .closest("svg.chart-svg")
        .ok()??;
    let metric = svg.get_attribute("data-metric")?;
    let index = slots
        .iter()
        .position(|s| matches!(s, Slot::Chart(d) if d.metric == metric))?;
    Some((svg, index))
}

/// The reading under a pointer `offset_x` pixels across a chart `width` pixels wide.
pub fn reading_at(slot: &Slot, offset_x: i32, width: i32) -> Option<usize> {
    let Slot::Chart(d) = slot else {
        return None;
    };
    if width <= 0 {
        return None;
    }
    let at = time_at(
        i64::from(offset_x) * 1000 / i64::from(width),
        d.query.start,
        d.query.end,
    );
    nearest(&d.main, at)
}

/// The reading a key moves to from `from`: arrows step, Home and End jump, Escape lets go
/// (`Some(None)`); `None` for other keys.
pub fn reading_for_key(slot: &Slot, key: &str, from: Option<usize>) -> Option<Option<usize>> {
    let Slot::Chart(d) = slot else {
        return None;
    };
    Some(match key {
        "ArrowLeft" => step(&d.main, from, false),
        "ArrowRight" => step(&d.main, from, true),
        "Home" => d.main.iter().position(|p| p.tenths.is_some()),
        "End" => step(&d.main, None, false),
        "Escape" => None,
        _ => return None,
    })
}

/// Shows (or with `None` hides) the cursor line and the read-out of a chart.
pub fn show_reading(svg: &Element, slot: &Slot, reading: Option<usize>) {
    let Slot::Chart(d) = slot else {
        return;
    };
    let point = reading.and_then(|i| d.main.get(i));
    if let Ok(Some(cursor)) = svg.query_selector(".cursor") {
        let _ = match point {
            Some(p) => {
                let x = x_percent(p.at, d.query.start, d.query.end);
                cursor
                    .set_attribute("x1", &x)
                    .and_then(|()| cursor.set_attribute("x2", &x))
                    .and_then(|()| cursor.set_attribute("visibility", "visible"))
            }
            None => cursor.set_attribute("visibility", "hidden"),
        };
    }
    let readout = svg.next_element_sibling();
    if let Some(readout) = readout {
        let text = point.map(|p| read_out(d.name, p, &d.gpus, d.offset_minutes));
        readout.set_text_content(text.as_deref());
    }
}
