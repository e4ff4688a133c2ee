//! The rebuild plan: from the kinds of change in a batch ([`super::changes`]) to the smallest set of
//! build stages to re-run. Pure and tested; running the plan against the site is the builder's job.
//!
//! | change | plan |
//! |---|---|
//! | a document's text | re-read and re-render that document; when its title, weight, description or extra changed, the pages that show it (its section's pages, previous and next); when it moved (slug, draft), the whole content |
//! | content structure | re-read the content tree, re-render every page |
//! | a template | reload the templates, re-render every page (which pages reach which partial through `extends`, `include` and components is not tracked, so every page may) |
//! | a stylesheet | rebuild the assets; pages keep their stylesheet URL, the browser swaps the sheet |
//! | another theme asset | rebuild the assets, reload the pages |
//! | a static file | copy the static files again |
//! | `site.toml`, `theme.toml` | everything, from the config on |

use super::changes::ChangeKind;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// What to do with the content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) enum ContentStep {
    #[default]
    Unchanged,
    /// Re-read and re-render these documents (sources relative to the root).
    Documents(BTreeSet<PathBuf>),
    /// Re-read the whole content tree and re-render every document.
    Reload,
}

/// What to do with the theme's assets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub(super) enum AssetStep {
    #[default]
    Unchanged,
    /// Only stylesheets changed.
    Stylesheets,
    /// Some other asset changed too.
    All,
}

/// The stages to re-run for a batch of changes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct RebuildPlan {
    /// Load the whole site again, from the config on; everything else is implied.
    pub(super) full: bool,
    pub(super) assets: AssetStep,
    pub(super) templates: bool,
    pub(super) content: ContentStep,
    pub(super) static_files: bool,
}

impl RebuildPlan {
    /// The plan for `kinds`: each kind's step, merged.
    pub(super) fn for_changes(kinds: &[ChangeKind]) -> Self {
        kinds.iter().map(Self::for_change).fold(Self::default(), Self::merge)
    }

    fn for_change(kind: &ChangeKind) -> Self {
        let mut plan = Self::default();
        match kind {
            ChangeKind::DocumentText(source) => {
                plan.content = ContentStep::Documents(BTreeSet::from([source.clone()]));
            }
            ChangeKind::ContentStructure => plan.content = ContentStep::Reload,
            ChangeKind::Template => plan.templates = true,
            ChangeKind::Style => plan.assets = AssetStep::Stylesheets,
            ChangeKind::ThemeAsset => plan.assets = AssetStep::All,
            ChangeKind::StaticFile => plan.static_files = true,
            ChangeKind::Config => plan.full = true,
        }
        plan
    }

    /// The plan that does both: the union of the steps, with the wider step winning.
    pub(super) fn merge(self, other: Self) -> Self {
        if self.full || other.full {
            return Self::everything();
        }
        let content = match (self.content, other.content) {
            (ContentStep::Reload, _) | (_, ContentStep::Reload) => ContentStep::Reload,
            (ContentStep::Documents(mut a), ContentStep::Documents(b)) => {
                a.extend(b);
                ContentStep::Documents(a)
            }
            (ContentStep::Documents(a), ContentStep::Unchanged)
            | (ContentStep::Unchanged, ContentStep::Documents(a)) => ContentStep::Documents(a),
            (ContentStep::Unchanged, ContentStep::Unchanged) => ContentStep::Unchanged,
        };
        Self {
            full: false,
            assets: self.assets.max(other.assets),
            templates: self.templates || other.templates,
            content,
            static_files: self.static_files || other.static_files,
        }
    }

    /// Loading the site again from scratch.
    pub(super) fn everything() -> Self {
        Self {
            full: true,
            ..Self::default()
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documents(sources: &[&str]) -> ContentStep {
        ContentStep::Documents(sources.iter().map(PathBuf::from).collect())
    }

    #[test]
    fn plans_for_batches() {
        use ChangeKind::*;
        let text = |path: &str| DocumentText(PathBuf::from(path));
        let cases: Vec<(&str, Vec<ChangeKind>, RebuildPlan)> = vec![
            ("nothing", vec![], RebuildPlan::default()),
            (
                "one page's text: that page only",
                vec![text("content/a.md")],
                RebuildPlan {
                    content: documents(&["content/a.md"]),
                    ..RebuildPlan::default()
                },
            ),
            (
                "two pages' text",
                vec![text("content/a.md"), text("content/b.md")],
                RebuildPlan {
                    content: documents(&["content/a.md", "content/b.md"]),
                    ..RebuildPlan::default()
                },
            ),
            (
                "a page added beside an edit: the whole content",
                vec![text("content/a.md"), ContentStructure],
                RebuildPlan {
                    content: ContentStep::Reload,
                    ..RebuildPlan::default()
                },
            ),
            (
                "a template",
                vec![Template],
                RebuildPlan {
                    templates: true,
                    ..RebuildPlan::default()
                },
            ),
            (
                "CSS: the stylesheet only",
                vec![Style],
                RebuildPlan {
                    assets: AssetStep::Stylesheets,
                    ..RebuildPlan::default()
                },
            ),
            (
                "CSS and a script",
                vec![Style, ThemeAsset],
                RebuildPlan {
                    assets: AssetStep::All,
                    ..RebuildPlan::default()
                },
            ),
            (
                "a static file",
                vec![StaticFile],
                RebuildPlan {
                    static_files: true,
                    ..RebuildPlan::default()
                },
            ),
            (
                "CSS and a page",
                vec![text("content/a.md"), Style],
                RebuildPlan {
                    assets: AssetStep::Stylesheets,
                    content: documents(&["content/a.md"]),
                    ..RebuildPlan::default()
                },
            ),
            ("site.toml: everything", vec![Config], RebuildPlan::everything()),
            (
                "site.toml wins over anything",
                vec![text("content/a.md"), Style, Template, Config],
                RebuildPlan::everything(),
            ),
        ];
        for (name, kinds, expected) in cases {
            assert_eq!(RebuildPlan::for_changes(&kinds), expected, "{name}");
        }
    }

    #[test]
    fn merging_keeps_the_wider_step() {
        let page = RebuildPlan::for_changes(&[ChangeKind::DocumentText("content/a.md".into())]);
        let css = RebuildPlan::for_changes(&[ChangeKind::Style]);
        let structure = RebuildPlan::for_changes(&[ChangeKind::ContentStructure]);
        assert_eq!(
            page.clone().merge(css.clone()),
            css.clone().merge(page.clone()),
            "merging is symmetric"
        );
        assert_eq!(page.clone().merge(structure.clone()).content, ContentStep::Reload);
        assert!(RebuildPlan::default().is_empty() && !page.is_empty());
        assert_eq!(css.clone().merge(RebuildPlan::everything()), RebuildPlan::everything());
    }
}
