//! Token colours: a light and a dark [`Palette`] derived from two real colour schemes shipped by
//! two-face, by resolving each token class's representative scopes against the scheme, then
//! nudged where needed so every colour meets WCAG AA (4.5:1) on the code background and on the
//! highlighted, inserted and deleted line backgrounds. Writing CSS lives in [`super::css`].

use std::fmt;

use syntect::highlighting::{Color, Highlighter, Theme};
use syntect::parsing::Scope;
use two_face::theme::EmbeddedThemeName;

use super::token_class::TokenClass;

/// The scheme the light palette is derived from.
pub(crate) const LIGHT_SCHEME: EmbeddedThemeName = EmbeddedThemeName::InspiredGithub;
/// The scheme the dark palette is derived from.
pub(crate) const DARK_SCHEME: EmbeddedThemeName = EmbeddedThemeName::OneHalfDark;

/// WCAG AA for normal text.
pub(crate) const MINIMUM_CONTRAST: f64 = 4.5;

/// An opaque sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb {
    pub red: u8,
    pub green: u8,
    pub blue: u8,
}

impl Rgb {
    const BLACK: Rgb = Rgb::new(0, 0, 0);
    const WHITE: Rgb = Rgb::new(255, 255, 255);

    pub(crate) const fn new(red: u8, green: u8, blue: u8) -> Rgb {
        Rgb { red, green, blue }
    }

    /// `color` composited over `background` by its alpha.
    fn over(color: Color, background: Rgb) -> Rgb {
        background.mix(Rgb::new(color.r, color.g, color.b), f64::from(color.a) / 255.0)
    }

    /// The colour `amount` (0 to 1) of the way from `self` to `other`.
    pub(crate) fn mix(self, other: Rgb, amount: f64) -> Rgb {
        let channel = |from: u8, to: u8| {
            (f64::from(from) + (f64::from(to) - f64::from(from)) * amount)
                .round()
                .clamp(0.0, 255.0) as u8
        };
        Rgb::new(
            channel(self.red, other.red),
            channel(self.green, other.green),
            channel(self.blue, other.blue),
        )
    }

    /// WCAG relative luminance.
    fn luminance(self) -> f64 {
        let linear = |channel: u8| {
            let value = f64::from(channel) / 255.0;
            if value <= 0.04045 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.red) + 0.7152 * linear(self.green) + 0.0722 * linear(self.blue)
    }

    /// WCAG contrast ratio, from 1 to 21.
    pub(crate) fn contrast(self, other: Rgb) -> f64 {
        let (lighter, darker) = {
            let (a, b) = (self.luminance(), other.luminance());
            if a > b { (a, b) } else { (b, a) }
        };
        (lighter + 0.05) / (darker + 0.05)
    }
}

impl fmt::Display for Rgb {
    /// `#rrggbb`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "#{:02x}{:02x}{:02x}", self.red, self.green, self.blue)
    }
}

/// Whether a palette is for a light or a dark background.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Appearance {
    Light,
    Dark,
}

/// All colours of one appearance.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Palette {
    /// `--hl-bg`: the code background.
    pub background: Rgb,
    /// `--hl-fg`: plain text.
    pub foreground: Rgb,
    /// `--hl-<class>`: one colour per token class, in [`TokenClass::ALL`] order.
    pub tokens: Vec<(TokenClass, Rgb)>,
    /// `--hl-line-hl`: background of `{3-5}` lines.
    pub highlighted_line: Rgb,
    /// `--hl-line-ins`: background of `ins={...}` lines.
    pub inserted_line: Rgb,
    /// `--hl-line-del`: background of `del={...}` lines.
    pub deleted_line: Rgb,
}

/// Scope stacks whose colour in the scheme stands for a class, tried in order: the first one the
/// scheme colours differently from plain text wins.
fn representative_stacks(class: TokenClass) -> &'static [&'static str] {
    match class {
        TokenClass::Keyword => &["source.ts keyword.control", "source storage.type"],
        TokenClass::Operator => &["source.ts keyword.operator.assignment", "keyword.operator"],
        TokenClass::String => &["source.ts string.quoted.double"],
        TokenClass::Escape => &[
            "source.ts string.quoted.double constant.character.escape",
            "source constant.character.escape",
            "source constant.other.placeholder",
        ],
        TokenClass::Comment => &["source.ts comment.line.double-slash"],
        TokenClass::Constant => &["source.ts constant.numeric", "source constant.language"],
        TokenClass::Function => &[
            "source.ts meta.function entity.name.function",
            "source support.function",
        ],
        TokenClass::Type => &[
            "source.ts entity.name.type",
            "source entity.name.class",
            "source support.type",
            "source support.class",
            "source storage.type",
        ],
        TokenClass::Variable => &[
            "source.ts variable.parameter",
            "source variable.language",
            "source variable",
        ],
        TokenClass::Attribute => &[
            "text.html.basic meta.tag entity.other.attribute-name",
            "source.json meta.mapping.key string",
            "source support.type.property-name",
        ],
        TokenClass::Meta => &[
            "source.rust support.macro",
            "source.rust meta.annotation",
            "source meta.decorator",
            "source entity.name.function.macro",
            "source support.function",
        ],
        TokenClass::Tag => &["text.html.basic meta.tag entity.name.tag"],
        TokenClass::Heading => &[
            "text.html.markdown markup.heading",
            "text.html.markdown markup.heading entity.name.section",
            "source.ts meta.function entity.name.function",
        ],
        TokenClass::Inserted => &["source.diff markup.inserted"],
        TokenClass::Deleted => &["source.diff markup.deleted"],
        TokenClass::Link => &[
            "text.html.markdown meta.link markup.underline.link",
            "text.html.markdown meta.link",
            "source.ts string.quoted.double",
        ],
        TokenClass::Prompt => &["source.ts comment.line.double-slash"],
    }
}

/// What a class falls back to when its scheme has no colour for it.
fn fallback_color(class: TokenClass, appearance: Appearance) -> Option<Rgb> {
    match (class, appearance) {
        (TokenClass::Inserted, Appearance::Light) => Some(Rgb::new(0x1a, 0x7f, 0x37)),
        (TokenClass::Inserted, Appearance::Dark) => Some(Rgb::new(0x98, 0xc3, 0x79)),
        (TokenClass::Deleted, Appearance::Light) => Some(Rgb::new(0xcf, 0x22, 0x2e)),
        (TokenClass::Deleted, Appearance::Dark) => Some(Rgb::new(0xe0, 0x6c, 0x75)),
        _ => None,
    }
}

impl Palette {
    /// The palette of the built-in scheme for `appearance`.
    pub(crate) fn for_appearance(appearance: Appearance) -> Palette {
        let scheme = match appearance {
            Appearance::Light => LIGHT_SCHEME,
            Appearance::Dark => DARK_SCHEME,
        };
        Palette::derive(two_face::theme::extra().get(scheme), appearance)
    }

    /// Derives a palette from a syntect colour scheme, adjusted to meet WCAG AA.
    pub(crate) fn derive(scheme: &Theme, appearance: Appearance) -> Palette {
        let raw = SchemeColors::resolve(scheme, appearance);
        let token_color = |wanted: TokenClass| color_of(&raw.tokens, wanted).unwrap_or(raw.plain);
        let background = raw.background;
        let highlighted_line = background.mix(token_color(TokenClass::Function), 0.14);
        let inserted_line = background.mix(token_color(TokenClass::Inserted), 0.16);
        let deleted_line = background.mix(token_color(TokenClass::Deleted), 0.16);
        let backgrounds = [background, highlighted_line, inserted_line, deleted_line];
        let readable = |color: Rgb| ensure_contrast(color, &backgrounds, appearance);
        Palette {
            background,
            foreground: readable(raw.plain),
            tokens: raw
                .tokens
                .iter()
                .map(|&(class, color)| (class, readable(color)))
                .collect(),
            highlighted_line,
            inserted_line,
            deleted_line,
        }
    }
}

fn color_of(tokens: &[(TokenClass, Rgb)], wanted: TokenClass) -> Option<Rgb> {
    tokens
        .iter()
        .find(|(class, _)| *class == wanted)
        .map(|(_, color)| *color)
}

/// A scheme's own colours for the code background, plain text and each class, before any
/// contrast adjustment.
struct SchemeColors {
    background: Rgb,
    plain: Rgb,
    tokens: Vec<(TokenClass, Rgb)>,
}

impl SchemeColors {
    fn resolve(scheme: &Theme, appearance: Appearance) -> SchemeColors {
        let highlighter = Highlighter::new(scheme);
        let background = scheme
            .settings
            .background
            .map(|color| Rgb::over(color, Rgb::WHITE))
            .unwrap_or(match appearance {
                Appearance::Light => Rgb::WHITE,
                Appearance::Dark => Rgb::new(0x28, 0x2c, 0x34),
            });
        let plain = Rgb::over(highlighter.get_default().foreground, background);
        let tokens = TokenClass::ALL
            .iter()
            .map(|&class| {
                let resolved = representative_stacks(class).iter().find_map(|stack| {
                    let scopes: Vec<Scope> = stack
                        .split_whitespace()
                        .map(|name| Scope::new(name).expect("representative scopes are valid"))
                        .collect();
                    let style = highlighter.style_for_stack(&scopes);
                    let color = Rgb::over(style.foreground, background);
                    (color != plain).then_some(color)
                });
                let color = resolved.or_else(|| fallback_color(class, appearance)).unwrap_or(plain);
                (class, color)
            })
            .collect();
        SchemeColors {
            background,
            plain,
            tokens,
        }
    }
}

/// `color`, moved towards black (light) or white (dark) in small steps until it reaches
/// [`MINIMUM_CONTRAST`] on every background.
fn ensure_contrast(color: Rgb, backgrounds: &[Rgb], appearance: Appearance) -> Rgb {
    let target = match appearance {
        Appearance::Light => Rgb::BLACK,
        Appearance::Dark => Rgb::WHITE,
    };
    let worst_contrast = |candidate: Rgb| {
        backgrounds
            .iter()
            .map(|background| candidate.contrast(*background))
            .fold(f64::INFINITY, f64::min)
    };
    (0..=50)
        .map(|step| color.mix(target, f64::from(step) / 50.0))
        .find(|candidate| worst_contrast(*candidate) >= MINIMUM_CONTRAST)
        .unwrap_or(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_the_wcag_examples() {
        assert!((Rgb::BLACK.contrast(Rgb::WHITE) - 21.0).abs() < 1e-9);
        assert!((Rgb::new(0x77, 0x77, 0x77).contrast(Rgb::WHITE) - 4.48).abs() < 0.01);
    }

    #[test]
    fn every_colour_meets_aa_on_every_background() {
        for appearance in [Appearance::Light, Appearance::Dark] {
            let palette = Palette::for_appearance(appearance);
            let backgrounds = [
                palette.background,
                palette.highlighted_line,
                palette.inserted_line,
                palette.deleted_line,
            ];
            let colors = palette
                .tokens
                .iter()
                .map(|(class, color)| (class.css_class(), *color))
                .chain([("fg", palette.foreground)]);
            for (name, color) in colors {
                for background in backgrounds {
                    let contrast = color.contrast(background);
                    assert!(
                        contrast >= MINIMUM_CONTRAST,
                        "{appearance:?} {name} {color} on {background}: {contrast:.2}"
                    );
                }
            }
        }
    }

    /// Not a check: prints candidate schemes' colours and contrasts, to choose the two schemes.
    /// `cargo test palette -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn print_candidate_schemes() {
        use EmbeddedThemeName::*;
        let candidates = [
            (Github, Appearance::Light),
            (InspiredGithub, Appearance::Light),
            (OneHalfLight, Appearance::Light),
            (CatppuccinLatte, Appearance::Light),
            (ColdarkCold, Appearance::Light),
            (OneHalfDark, Appearance::Dark),
            (TwoDark, Appearance::Dark),
            (Dracula, Appearance::Dark),
            (CatppuccinMocha, Appearance::Dark),
            (ColdarkDark, Appearance::Dark),
        ];
        let schemes = two_face::theme::extra();
        for (name, appearance) in candidates {
            let scheme = schemes.get(name);
            let raw = SchemeColors::resolve(scheme, appearance);
            let palette = Palette::derive(scheme, appearance);
            println!("{name:?}: bg {} fg {}", raw.background, raw.plain);
            let mut failing = 0;
            for ((class, raw_color), (_, color)) in raw.tokens.iter().zip(&palette.tokens) {
                let contrast = raw_color.contrast(raw.background);
                failing += usize::from(contrast < MINIMUM_CONTRAST);
                println!(
                    "  {:<3} {raw_color} {contrast:>5.2} -> {color} {:>5.2}",
                    class.css_class(),
                    color.contrast(raw.background)
                );
            }
            println!("  {failing} below AA before adjustment");
        }
    }

    #[test]
    fn palettes_keep_the_schemes_character() {
        let light = Palette::for_appearance(Appearance::Light);
        let dark = Palette::for_appearance(Appearance::Dark);
        assert!(light.background.contrast(Rgb::WHITE) < 1.2);
        assert!(dark.background.contrast(Rgb::BLACK) < 2.0);
        for palette in [&light, &dark] {
            let distinct: std::collections::HashSet<String> = [
                TokenClass::Keyword,
                TokenClass::String,
                TokenClass::Comment,
                TokenClass::Function,
            ]
            .iter()
            .map(|class| color_of(&palette.tokens, *class).unwrap().to_string())
            .collect();
            assert_eq!(distinct.len(), 4, "{palette:?}");
        }
    }
}
