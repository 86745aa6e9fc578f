//! `generator.toml`: renames, replaced schemas, typed replies, chosen tags, paging, and clear
//! errors for names the document does not have.

use trackit_codegen::{Config, FileSet, Settings, generate};

fn checked_in_config() -> Config {
    let path = crate::root().join("generated/generator.toml");
    Config::from_toml(&std::fs::read_to_string(&path).unwrap(), "generator.toml").unwrap()
}

fn generate_with(config: Config) -> Result<FileSet, trackit_codegen::Error> {
    generate(&crate::reference_spec(), "swagger.json", &Settings { config, ..Settings::default() })
}

fn text(files: &FileSet, path: &str) -> String {
    String::from_utf8(files.get(path).unwrap_or_else(|| panic!("{path} is generated")).to_vec()).unwrap()
}

fn error_of(toml: &str) -> String {
    let config = Config::from_toml(toml, "generator.toml").unwrap();
    generate_with(config).unwrap_err().to_string()
}

#[test]
fn the_checked_in_options_shape_the_track_it_client() {
    let files = generate_with(checked_in_config()).unwrap();
    let tickets = text(&files, "src/api/tickets.rs");
    assert!(tickets.contains("pub fn notes(&self, id: i32) -> NotesRequest<'a>"), "renamed, paging is optional");
    assert!(tickets.contains("execute_member_boxed(Ok(self.call()), \"Ticket\")"), "typed member reply");
    assert!(tickets.contains("execute_page_boxed(Ok(self.call()), \"Notes\", \"Count\")"), "typed page reply");
    assert!(tickets.contains("pub fn stream("), "paged lists stream");
    let types = text(&files, "src/types.rs");
    assert!(types.contains("pub type CreateInput = trackit_runtime::records::RecordInput;"), "replaced schema");
    assert!(types.contains("pub struct TicketNote {"), "renamed schema");
    assert!(types.contains("/// The note's text."), "documented field");
    assert!(!types.contains("pub struct CreateInputDto"), "a replaced schema is not generated");
    let lib = text(&files, "src/lib.rs");
    assert!(lib.contains("include_str!(\"../guide.md\")"), "the guide is on the front page");
    assert!(text(&files, "src/client.rs").contains("pub fn tickets(&self)"));
}

#[test]
fn only_the_chosen_tags_are_emitted() {
    let config = Config::from_toml("[tags]\ninclude = [\"Ticket\", \"Module\"]\n", "generator.toml").unwrap();
    let files = generate_with(config).unwrap();
    let modules: Vec<&str> = files.iter().map(|(path, _)| path).filter(|path| path.starts_with("src/api/")).collect();
    assert_eq!(modules, ["src/api/mod.rs", "src/api/module.rs", "src/api/ticket.rs"]);
    assert!(!text(&files, "src/client.rs").contains("fn assignment("));
}

#[test]
fn without_options_every_call_still_gets_a_request_builder() {
    let files = generate(&crate::reference_spec(), "swagger.json", &Settings::default()).unwrap();
    let ticket = text(&files, "src/api/ticket.rs");
    // Without `[paging]`, page size and number are ordinary required arguments.
    assert!(
        ticket.contains("pub fn get_ticket_notes(\n        &self,\n        id: i32,\n        page_size: i32,"),
        "{ticket}"
    );
    assert!(ticket.contains("pub fn max_content_length(mut self"), "optional query parameters are setters");
    assert!(!ticket.contains("pub fn stream("), "no stream without a typed page");
}

#[test]
fn names_the_document_does_not_have_are_errors_naming_the_option() {
    assert_eq!(
        error_of("[operations.Ticket_Gte]\nname = \"get\"\n"),
        "generator.toml: operations.Ticket_Gte: the document has no operation `Ticket_Gte` (if the server \
         dropped it, delete these options)"
    );
    let tag = error_of("[tags]\ninclude = [\"Tickets\"]\n");
    assert!(tag.starts_with("generator.toml: tags: the document has no tag `Tickets`"), "{tag}");
    assert!(tag.contains("Ticket"), "lists the tags there are: {tag}");
    let property = error_of(
        "[types.\"TrackIt.Application.Web.WebApi.Contracts.Dtos.Input.CloseInputDto\".fields]\nNoet = \"x\"\n",
    );
    assert!(property.ends_with("has no property `Noet`"), "{property}");
    let schema = error_of("[types.\"CreateInputDto\"]\nname = \"Create\"\n");
    assert!(schema.starts_with("generator.toml: types.\"CreateInputDto\": the document has no schema"), "{schema}");
}

#[test]
fn clashing_names_are_refused_not_numbered() {
    let call = error_of("[operations.Ticket_Update]\nname = \"get\"\n");
    assert_eq!(call, "generator.toml: operations.Ticket_Update.name: `get` is already a call of tag `Ticket`");
    let prefix = "TrackIt.Application.Web.WebApi.Contracts.Dtos.Input";
    let ty = error_of(&format!("[types.\"{prefix}.CloseInputDto\"]\nname = \"SearchInputDto\"\n"));
    assert!(ty.contains("is already the name of"), "{ty}");
    let reserved = error_of(&format!("[types.\"{prefix}.CloseInputDto\"]\nname = \"Result\"\n"));
    assert!(reserved.contains("reserved"), "{reserved}");
    let accessor = error_of("[tags.names]\nTicket = \"types\"\n");
    assert!(accessor.contains("tags.names.Ticket"), "{accessor}");
}

#[test]
fn options_that_would_make_code_that_does_not_build_are_refused() {
    let bad_paging = error_of("[paging]\nsize = \"pagesize\"\nnumber = \"pageNumber\"\nall = 0\n");
    assert!(bad_paging.starts_with("generator.toml: paging: no operation has integer parameters"), "{bad_paging}");
    let too_big = error_of("[paging]\nsize = \"pageSize\"\nnumber = \"pageNumber\"\nall = 99999999999\n");
    assert!(too_big.contains("in their range"), "{too_big}");

    let refused = |toml: &str| Config::from_toml(toml, "generator.toml").unwrap_err().to_string();
    let prefix = "TrackIt.Application.Web.WebApi.Contracts.Dtos.Input";
    assert!(refused(&format!("[types.\"{prefix}.CloseInputDto\"]\nname = \"str\"\n")).contains("UpperCamelCase"));
    assert!(refused(&format!("[types.\"{prefix}.CloseInputDto\"]\nname = \"close_it\"\n")).contains("UpperCamelCase"));
    assert!(refused(&format!("[types.\"{prefix}.CloseInputDto\"]\nreplace = \"self\"\n")).contains("not a Rust path"));
    assert!(refused("[operations.A.reply]\ntype = \"&str\"\n").contains("owned Rust type"));
    assert!(refused("[operations.A.reply]\ntype = \"impl Iterator\"\n").contains("owned Rust type"));
    assert!(refused("[operations.A.reply]\ntype = \"u8\"\nitems = \"C\"\ncount = \"C\"\n").contains("different keys"));
    assert!(refused("[paging]\nsize = \"p\"\nnumber = \"p\"\nall = 0\n").contains("different parameters"));
    assert!(refused("[docs]\nguide = \"\"\n").contains("docs.guide"));
}

#[test]
fn a_chosen_accessor_name_wins_over_a_tags_own_name_whatever_the_order() {
    // `Module`'s own name is `module`; giving it to `Ticket` numbers `Module`'s instead of failing.
    let config = Config::from_toml("[tags.names]\nTicket = \"module\"\n", "generator.toml").unwrap();
    let client = text(&generate_with(config).unwrap(), "src/client.rs");
    assert!(client.contains("pub fn module(&self) -> crate::api::ModuleApi"), "{client}");
    assert!(client.contains("pub fn module_2(&self)"), "{client}");
}
