//! The `compare --svg` picture: ringq ÷ each competitor, per cell, as
//! grouped bars on a log scale with a line at 1.0×, one panel per section
//! (idle, loaded).

use std::path::Path;

use plotters::prelude::*;

/// One panel: bars for each competitor in each cell.
#[derive(Debug)]
pub struct Panel {
    /// The panel's caption.
    pub title: String,
    /// Cell names along the x axis ("spsc/64").
    pub cells: Vec<String>,
    /// Per competitor: its name and the ratio ringq/it in each cell.
    pub series: Vec<(String, Vec<Option<f64>>)>,
}

/// Draws `panels` one under the other into an SVG file at `path`.
///
/// # Errors
///
/// The drawing backend's error, as text (a file that cannot be written).
pub fn draw(path: &Path, panels: &[Panel]) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let height = 460 * panels.len().max(1) as u32;
    let root = SVGBackend::new(path, (1400, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    for (area, panel) in root
        .split_evenly((panels.len().max(1), 1))
        .iter()
        .zip(panels)
    {
        draw_panel(area, panel).map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw_panel(area: &Area<'_>, panel: &Panel) -> Result<(), String> {
    let text = |e: &dyn std::fmt::Display| e.to_string();
    let n = panel.cells.len();
    let values = panel.series.iter().flat_map(|(_, v)| v.iter().flatten());
    let (lo, hi) = values.fold((1.0f64, 1.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let (lo, hi) = (lo / 1.5, hi * 1.5);
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(-0.5f64..n as f64 - 0.5, (lo..hi).log_scale())
        .map_err(|e| text(&e))?;
    let cells = panel.cells.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&move |x| {
            let i = x.round();
            if (x - i).abs() < 0.01 && i >= 0.0 {
                cells.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_desc("ringq / other (above 1: ringq faster)")
        .y_label_formatter(&|y| format!("{y:.2}"))
        .draw()
        .map_err(|e| text(&e))?;
    let k = panel.series.len().max(1);
    let width = 0.8 / k as f64;
    for (j, (name, ratios)) in panel.series.iter().enumerate() {
        let color = Palette99::pick(j).to_rgba();
        chart
            .draw_series(ratios.iter().enumerate().filter_map(|(i, r)| {
                r.map(|r| {
                    let x0 = i as f64 - 0.4 + j as f64 * width;
                    Rectangle::new([(x0, lo), (x0 + width * 0.9, r)], color.filled())
                })
            }))
            .map_err(|e| text(&e))?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    chart
        .draw_series(LineSeries::new(
            [(-0.5, 1.0), (n as f64 - 0.5, 1.0)],
            BLACK.stroke_width(2),
        ))
        .map_err(|e| text(&e))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| text(&e))?;
    Ok(())
}
