"""Reading public pages as a reader does: headings, lists and text, from parsed HTML."""

from html.parser import HTMLParser

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], parent=None):
        self.tag = tag
        self.attrs = {name: value or "" for name, value in attrs}
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self):
        return f"<{self.tag} {self.attrs}: {self.text[:60]!r}>"

    @property
    def elements(self) -> list["Element"]:
        return [child for child in self.children if isinstance(child, Element)]

    def iter(self):
        for child in self.elements:
            yield child
            yield from child.iter()

    def find_all(self, tag: str, class_: str | None = None) -> list["Element"]:
        return [
            element
            for element in self.iter()
            if element.tag == tag and (class_ is None or class_ in element.classes)
        ]

    def find(self, tag: str, class_: str | None = None) -> "Element":
        found = self.find_all(tag, class_)
        assert found, f"no <{tag}> (class {class_!r}) in {self!r}"
        return found[0]

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def _strings(self, skip_class: str | None):
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif skip_class is None or skip_class not in child.classes:
                yield from child._strings(skip_class)

    @property
    def text(self) -> str:
        """The text a reader sees, with runs of white space collapsed."""
        return " ".join("".join(self._strings(None)).split())

    def text_without(self, class_: str) -> str:
        """The text, leaving out descendants of the given class (e.g. a "note")."""
        return " ".join("".join(self._strings(class_)).split())


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [])
        self.current = self.root
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        if self.current.tag != tag:
            self.errors.append(f"</{tag}> closes <{self.current.tag}>")
        open_element = self.current
        while open_element is not self.root and open_element.tag != tag:
            open_element = open_element.parent
        if open_element is not self.root:
            self.current = open_element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert not builder.errors, builder.errors
    assert builder.current is builder.root, f"<{builder.current.tag}> is never closed"
    return builder.root


def get_page(client, url: str, status: int = 200, **headers) -> Element:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.content.decode()[:500]
    return parse(response.content.decode())


def profile_url(process) -> str:
    return f"/processes/{process.slug}/"


def items(ul: Element) -> list[str]:
    return [li.text for li in ul.elements if li.tag == "li"]


def h2_texts(page: Element) -> list[str]:
    return [h2.text for h2 in page.find("main").find_all("h2")]


def section(page: Element, heading: str) -> Element:
    for candidate in page.find_all("section"):
        h2 = candidate.find_all("h2")
        if h2 and h2[0].text == heading:
            return candidate
    raise AssertionError(f"no section headed {heading!r}; the page has {h2_texts(page)}")


def outline(element: Element) -> list[tuple]:
    """A section's content after its h2: ("p", text), ("h3", text) or ("ul", [item texts])."""
    return [
        ("ul", items(child)) if child.tag == "ul" else (child.tag, child.text)
        for child in element.elements
        if child.tag != "h2"
    ]


def facts(page: Element) -> list[str]:
    return items(page.find("main").find("ul", "profile__facts"))


def navigation_items(page: Element) -> list[str]:
    nav = page.find("header").find("nav", "site-nav")
    return items(nav.find("ul"))
