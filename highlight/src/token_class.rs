//! The short token classes of highlighted code (`k`, `s`, `c`...) and the mapping from a syntect
//! scope stack to one of them. Colours live in [`super::palette`]; this module only classifies.
//!
//! Each scope of a stack is looked up once (longest matching rule wins) and gives a [`ScopeRule`];
//! a token's class is decided by its innermost decisive scope, the way colour-scheme selectors favour
//! the deepest match. The result for a stack depends only on the result for its parent plus the new
//! scope, so [`ClassStack`] keeps one entry per open scope and classifies in O(1) per push.

use std::collections::HashMap;
use std::sync::LazyLock;

use syntect::parsing::{Scope, ScopeStackOp};

/// One short CSS class per kind of token; plain text gets no class and no `<span>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum TokenClass {
    /// Keywords and storage words: `if`, `return`, `const`, `fn`, `pub`, `this`.
    Keyword,
    /// Operators: `=`, `===`, `+`, `&&`, `=>`.
    Operator,
    /// String literals, including their quotes; also inline code in Markdown.
    String,
    /// Escapes and placeholders inside strings: `\n`, `{name}`, `${`...`}`.
    Escape,
    /// Comments.
    Comment,
    /// Numbers and language constants: `42`, `true`, `null`.
    Constant,
    /// Function and method names, at definition and call.
    Function,
    /// Types, classes, traits, interfaces, primitive type names.
    Type,
    /// Parameters and variables that stand out: function parameters, `$HOME`.
    Variable,
    /// Attribute and property names: JSON/TOML/YAML keys, HTML attributes, object keys.
    Attribute,
    /// Macros, annotations, attributes like `#[derive]`, decorators.
    Meta,
    /// Markup tag names: `div`, `<Component>`.
    Tag,
    /// Headings and section markers: Markdown headings, diff hunk headers.
    Heading,
    /// Inserted lines of a diff.
    Inserted,
    /// Deleted lines of a diff.
    Deleted,
    /// Links and URLs in markup.
    Link,
    /// The `$` prompt of a shell session.
    Prompt,
}

impl TokenClass {
    /// Every class, in the order the stylesheet lists them.
    pub(crate) const ALL: [TokenClass; 17] = [
        TokenClass::Keyword,
        TokenClass::Operator,
        TokenClass::String,
        TokenClass::Escape,
        TokenClass::Comment,
        TokenClass::Constant,
        TokenClass::Function,
        TokenClass::Type,
        TokenClass::Variable,
        TokenClass::Attribute,
        TokenClass::Meta,
        TokenClass::Tag,
        TokenClass::Heading,
        TokenClass::Inserted,
        TokenClass::Deleted,
        TokenClass::Link,
        TokenClass::Prompt,
    ];

    /// The class name written into the HTML, and the suffix of its `--hl-*` custom property.
    pub(crate) fn css_class(self) -> &'static str {
        match self {
            TokenClass::Keyword => "k",
            TokenClass::Operator => "o",
            TokenClass::String => "s",
            TokenClass::Escape => "e",
            TokenClass::Comment => "c",
            TokenClass::Constant => "n",
            TokenClass::Function => "f",
            TokenClass::Type => "t",
            TokenClass::Variable => "v",
            TokenClass::Attribute => "a",
            TokenClass::Meta => "m",
            TokenClass::Tag => "g",
            TokenClass::Heading => "h",
            TokenClass::Inserted => "i",
            TokenClass::Deleted => "d",
            TokenClass::Link => "l",
            TokenClass::Prompt => "pr",
        }
    }
}

/// What one scope says about the class of the text inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeRule {
    /// The text gets this class (unless an inner scope decides otherwise).
    Class(TokenClass),
    /// The text is plain again, whatever an outer scope said (`${...}` inside a template string).
    Plain,
    /// The scope says nothing; the class of the enclosing scope applies (`meta.*`, punctuation).
    Inherit,
    /// A key of a mapping: strings inside it are attribute names, not string values (JSON keys).
    MappingKey,
    /// A regular expression literal: a string whose special characters (`|`, `^`, `[a-z]`, `\s`)
    /// all show as escapes, whatever the regex grammar calls them.
    Regexp,
}

/// Scope-prefix rules, matched atom by atom; the longest matching prefix wins. Scopes that match
/// none inherit their parent's class.
const SCOPE_RULES: &[(&str, ScopeRule)] = {
    use ScopeRule::{Class, Inherit, MappingKey, Plain, Regexp};
    use TokenClass::*;
    &[
        ("comment", Class(Comment)),
        ("string", Class(String)),
        ("string.unquoted.shell", Inherit),
        ("string.unquoted.heredoc", Class(String)),
        ("string.other.link", Class(Link)),
        ("constant", Class(Constant)),
        ("constant.character.escape", Class(Escape)),
        ("constant.other.placeholder", Class(Escape)),
        ("constant.other.character-class", Class(Escape)),
        ("constant.character.entity", Class(Escape)),
        ("constant.other.color", Class(Constant)),
        ("constant.other.symbol", Class(Constant)),
        ("support.constant", Class(Constant)),
        ("entity.name.constant", Class(Constant)),
        ("variable.other.constant.object", Inherit),
        ("keyword", Class(Keyword)),
        ("keyword.operator", Class(Operator)),
        ("keyword.operator.new", Class(Keyword)),
        ("keyword.operator.expression", Class(Keyword)),
        ("keyword.operator.word", Class(Keyword)),
        ("keyword.operator.logical.python", Class(Keyword)),
        ("keyword.operator.type.annotation", Inherit),
        ("keyword.operator.optional", Inherit),
        ("string.regexp", Regexp),
        ("keyword.other.unit", Class(Constant)),
        ("keyword.other.important", Class(Keyword)),
        ("storage", Class(Keyword)),
        ("storage.type.rust", Class(Type)),
        ("storage.type.numeric", Class(Type)),
        ("storage.type.primitive", Class(Type)),
        ("storage.type.string.rust", Class(String)),
        ("storage.type.class.jsdoc", Class(Keyword)),
        ("variable.language", Class(Keyword)),
        ("variable.parameter", Class(Variable)),
        ("variable.parameter.option", Inherit),
        ("variable.other", Plain),
        ("variable.other.readwrite.shell", Class(Variable)),
        ("variable.other.readwrite.assignment.shell", Plain),
        ("variable.other.jsdoc", Class(Variable)),
        ("variable.function", Class(Function)),
        ("variable.annotation", Class(Meta)),
        ("punctuation.definition.variable", Class(Variable)),
        ("meta.group.expansion.parameter", Class(Variable)),
        ("meta.group.expansion.command", Plain),
        ("meta.group.expansion.arithmetic", Plain),
        ("entity.name.function", Class(Function)),
        ("entity.name.function.constructor", Class(Function)),
        ("support.function", Class(Function)),
        ("support.function.double-brace", Class(Keyword)),
        ("support.function.single-brace", Class(Keyword)),
        ("support.macro", Class(Meta)),
        ("entity.name.macro", Class(Meta)),
        ("entity.name.type", Class(Type)),
        ("entity.name.class", Class(Type)),
        ("entity.name.struct", Class(Type)),
        ("entity.name.enum", Class(Type)),
        ("entity.name.union", Class(Type)),
        ("entity.name.trait", Class(Type)),
        ("entity.name.impl", Class(Type)),
        ("entity.name.interface", Class(Type)),
        ("entity.name.namespace", Class(Type)),
        ("entity.name.table", Class(Type)),
        ("entity.other.inherited-class", Class(Type)),
        ("support.type", Class(Type)),
        ("support.class", Class(Type)),
        ("support.type.property-name", Class(Attribute)),
        ("entity.other.attribute-name", Class(Attribute)),
        ("entity.name.tag", Class(Tag)),
        ("entity.name.tag.toml", Class(Attribute)),
        ("entity.name.tag.yaml", Class(Attribute)),
        ("meta.object-literal.key", Class(Attribute)),
        ("meta.mapping.key", MappingKey),
        ("meta.tag.key.toml", MappingKey),
        ("meta.annotation", Class(Meta)),
        ("meta.attribute.rust", Class(Meta)),
        ("meta.decorator", Class(Meta)),
        ("meta.preprocessor", Class(Meta)),
        ("punctuation.definition.annotation", Class(Meta)),
        ("meta.template.expression", Plain),
        ("meta.embedded", Plain),
        ("source.js.embedded", Plain),
        ("source.css.embedded", Plain),
        ("punctuation.definition.template-expression", Class(Escape)),
        ("punctuation.section.embedded", Class(Escape)),
        ("markup.heading", Class(Heading)),
        ("meta.diff.range", Class(Heading)),
        ("meta.diff.header", Class(Heading)),
        ("meta.diff.index", Class(Heading)),
        ("markup.inserted", Class(Inserted)),
        ("markup.deleted", Class(Deleted)),
        ("markup.underline.link", Class(Link)),
        ("markup.raw", Class(String)),
        ("markup.quote", Class(Comment)),
        ("punctuation.definition.list_item", Class(Keyword)),
        ("punctuation.separator.key-value", Plain),
        ("invalid", Inherit),
    ]
};

/// The class state of an open scope: its class, and whether it sits inside a mapping key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct ClassState {
    class: Option<TokenClass>,
    in_mapping_key: bool,
    in_regexp: bool,
}

impl ClassState {
    fn enter(self, rule: ScopeRule) -> ClassState {
        match rule {
            ScopeRule::Class(class) => ClassState {
                class: Some(class),
                ..self
            },
            ScopeRule::Plain => ClassState::default(),
            ScopeRule::Inherit => self,
            ScopeRule::MappingKey => ClassState {
                in_mapping_key: true,
                ..self
            },
            ScopeRule::Regexp => ClassState {
                class: Some(TokenClass::String),
                in_regexp: true,
                ..self
            },
        }
    }

    fn visible_class(self) -> Option<TokenClass> {
        match self.class {
            Some(TokenClass::String) if self.in_mapping_key => Some(TokenClass::Attribute),
            Some(TokenClass::String | TokenClass::Comment) | None => self.class,
            Some(_) if self.in_regexp => Some(TokenClass::Escape),
            other => other,
        }
    }
}

/// The rules parsed into scopes once, sorted longest first so the first match is the most specific.
static PARSED_RULES: LazyLock<Vec<(Scope, usize, ScopeRule)>> = LazyLock::new(|| {
    let mut rules: Vec<(Scope, usize, ScopeRule)> = SCOPE_RULES
        .iter()
        .map(|&(selector, rule)| {
            let scope = Scope::new(selector).expect("scope rules are valid scope names");
            (scope, scope.len() as usize, rule)
        })
        .collect();
    rules.sort_by_key(|&(_, atoms, _)| std::cmp::Reverse(atoms));
    rules
});

fn rule_for(scope: Scope) -> ScopeRule {
    PARSED_RULES
        .iter()
        .find(|(prefix, _, _)| prefix.is_prefix_of(scope))
        .map_or(ScopeRule::Inherit, |&(_, _, rule)| rule)
}

/// The classes of the currently open scopes, updated with the parser's scope operations.
///
/// Rule lookups are memoised per scope, so each distinct scope is matched against the rule table
/// once per block.
#[derive(Debug, Default)]
pub(crate) struct ClassStack {
    states: Vec<ClassState>,
    /// Open scopes saved by `Clear` operations, restored by `Restore`.
    cleared: Vec<Vec<ClassState>>,
    rule_cache: HashMap<Scope, ScopeRule>,
}

impl ClassStack {
    /// An empty stack: text outside every scope is plain.
    pub(crate) fn new() -> ClassStack {
        ClassStack::default()
    }

    /// Closes every scope, keeping the memoised rules.
    pub(crate) fn clear(&mut self) {
        self.states.clear();
        self.cleared.clear();
    }

    /// The class of text at the current position, `None` for plain text.
    pub(crate) fn current(&self) -> Option<TokenClass> {
        self.states.last().copied().unwrap_or_default().visible_class()
    }

    /// Applies one scope operation from `ParseState::parse_line`.
    pub(crate) fn apply(&mut self, operation: &ScopeStackOp) {
        match operation {
            ScopeStackOp::Push(scope) => self.push(*scope),
            ScopeStackOp::Pop(count) => {
                let keep = self.states.len().saturating_sub(*count);
                self.states.truncate(keep);
            }
            ScopeStackOp::Clear(amount) => {
                let keep = match amount {
                    syntect::parsing::ClearAmount::TopN(count) => self.states.len().saturating_sub(*count),
                    syntect::parsing::ClearAmount::All => 0,
                };
                let removed = self.states.split_off(keep);
                self.cleared.push(removed);
            }
            ScopeStackOp::Restore => {
                if let Some(removed) = self.cleared.pop() {
                    self.states.extend(removed);
                }
            }
            ScopeStackOp::Noop => {}
        }
    }

    fn push(&mut self, scope: Scope) {
        let rule = *self.rule_cache.entry(scope).or_insert_with(|| rule_for(scope));
        let parent = self.states.last().copied().unwrap_or_default();
        self.states.push(parent.enter(rule));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(stack: &str) -> Option<TokenClass> {
        let mut classes = ClassStack::new();
        for name in stack.split_whitespace() {
            classes.apply(&ScopeStackOp::Push(Scope::new(name).unwrap()));
        }
        classes.current()
    }

    #[test]
    fn scope_stacks_map_to_the_expected_class() {
        use TokenClass::*;
        let cases: &[(&str, Option<TokenClass>)] = &[
            ("source.ts", None),
            ("source.ts meta.import.ts keyword.control.import.ts", Some(Keyword)),
            (
                "source.ts string.quoted.double.ts punctuation.definition.string.begin.ts",
                Some(String),
            ),
            ("source.ts meta.block.ts punctuation.terminator.statement.ts", None),
            ("source.rust meta.block.rust storage.type.rust", Some(Type)),
            (
                "source.rust meta.function.rust storage.type.function.rust",
                Some(Keyword),
            ),
            (
                "source.json meta.mapping.key.json string.quoted.double.json",
                Some(Attribute),
            ),
            (
                "source.json meta.mapping.value.json string.quoted.double.json",
                Some(String),
            ),
            (
                "source.json constant.numeric.float.decimal.json punctuation.separator.decimal.json",
                Some(Constant),
            ),
            (
                "source.ts string.template.ts meta.template.expression.ts meta.embedded.line.ts variable.other.object.ts",
                None,
            ),
            (
                "source.ts string.template.ts meta.template.expression.ts punctuation.definition.template-expression.begin.ts",
                Some(Escape),
            ),
            (
                "source.shell string.quoted.double.shell meta.group.expansion.parameter.shell punctuation.definition.variable.shell",
                Some(Variable),
            ),
            ("source.toml meta.tag.key.toml entity.name.tag.toml", Some(Attribute)),
            ("source.yaml entity.name.tag.yaml", Some(Attribute)),
            ("text.html.basic meta.tag entity.name.tag.html", Some(Tag)),
            ("source.diff markup.inserted.diff", Some(Inserted)),
            ("source.rust meta.annotation.rust meta.group.rust", Some(Meta)),
            (
                "source.ts string.regexp.ts punctuation.definition.string.begin.ts",
                Some(String),
            ),
            ("source.ts string.regexp.ts keyword.operator.or.regexp", Some(Escape)),
            (
                "source.ts string.regexp.ts constant.other.character-class.set.regexp constant.other.character-class.range.regexp",
                Some(Escape),
            ),
            (
                "source.ts string.template.ts meta.template.expression.ts string.regexp.ts",
                Some(String),
            ),
        ];
        for (stack, expected) in cases {
            assert_eq!(class_of(stack), *expected, "{stack}");
        }
    }

    #[test]
    fn pop_returns_to_the_parent_class() {
        let mut classes = ClassStack::new();
        classes.apply(&ScopeStackOp::Push(Scope::new("source.ts").unwrap()));
        classes.apply(&ScopeStackOp::Push(Scope::new("string.quoted").unwrap()));
        classes.apply(&ScopeStackOp::Push(Scope::new("constant.character.escape").unwrap()));
        assert_eq!(classes.current(), Some(TokenClass::Escape));
        classes.apply(&ScopeStackOp::Pop(1));
        assert_eq!(classes.current(), Some(TokenClass::String));
        classes.apply(&ScopeStackOp::Pop(5));
        assert_eq!(classes.current(), None);
    }

    #[test]
    fn css_classes_are_unique() {
        let mut names: Vec<&str> = TokenClass::ALL.iter().map(|c| c.css_class()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TokenClass::ALL.len());
    }
}
