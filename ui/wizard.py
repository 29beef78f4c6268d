"""First run: the central record's address, sign in, a passphrase, the first sync.

Sign-in is the council's identity provider ("Sign in with <council>", in the
browser) when the council's settings or the central record name one, and
the worker password when the central record still allows it (or has no
provider). Enrolment (vault + device + key deposit) happens when the
passphrase page is accepted; its errors go back to the field they concern.
The first sync then runs with a real progress bar and can be stopped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop import enrolment, managed, sign_in_methods
from desktop.enrolment import check_url
from desktop.errors import PassphraseRejected, UserError
from desktop.provider_sign_in import Opener, ProviderSignInFailed, ProviderToken
from desktop.sign_in_methods import SignInChoice
from desktop.syncing import SyncReport
from desktop.vault import MIN_PASSPHRASE, Vault, check_passphrase_rules
from sync.errors import (
    CertificateProblem,
    PasswordSignInOff,
    RateLimited,
    ServerUnreachable,
    SignInRefused,
    SyncError,
)
from ui.errors import user_message
from ui.sign_in import sign_in_op
from ui.sync_runner import SyncRunner
from ui.tasks import Tasks
from ui.widgets import field_message, message_label, show_message

RULES = (
    f"At least {MIN_PASSPHRASE} characters. A few unrelated words are easiest to "
    "remember and hardest to guess. You type it every time you open Caseworker; "
    "if you forget it, your worker password can reset it while you are online."
)


class ServerPage(QWizardPage):
    def __init__(
        self, parent: QWidget | None = None, council: managed.ManagedSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.council = council or managed.ManagedSettings()
        self.setTitle("Connect to your council's central record")
        self.setSubTitle("Your IT service desk gives you the address. You only do this once.")
        self.address = QLineEdit(self)
        self.address.setAccessibleName("Central record address")
        self.address.setPlaceholderText("https://caserecord.example.gov.uk")
        self.address_error = message_label(self, "Address problem")
        self.worker = QLineEdit(self)
        self.worker.setAccessibleName("Worker name")
        self.password = QLineEdit(self)
        self.password.setAccessibleName("Worker password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sign_in_error = message_label(self, "Sign-in problem")
        # The council's identity provider: shown once the council's settings
        # or the central record name one.
        self.provider_button = QPushButton("", self)
        self.provider_button.hide()
        self.provider_status = QLabel("", self)
        self.provider_status.setAccessibleName("Sign-in with the identity provider")
        self.provider_status.setWordWrap(True)
        self.provider_status.hide()
        self.password_note = QLabel("Or sign in with your worker name and password:", self)
        self.password_note.hide()
        self.choice: SignInChoice | None = None
        #: the provider's token, in memory until enrolment uses it
        self.token: ProviderToken | None = None
        self.form = form = QFormLayout(self)
        form.addRow("Central record &address:", self.address)
        form.addRow("", self.address_error)
        form.addRow("", self.provider_button)
        form.addRow("", self.provider_status)
        form.addRow(self.password_note)
        form.addRow("&Worker name:", self.worker)
        form.addRow("&Password:", self.password)
        form.addRow("", self.sign_in_error)
        self._council_settings(form)
        self.registerField("address*", self.address)
        self.registerField("worker", self.worker)
        self.registerField("password", self.password)
        self.address.textEdited.connect(self._address_changed)
        if self.council.identity_provider is not None:
            self.show_choice(sign_in_methods.choose(self.council, None))

    def show_choice(self, choice: SignInChoice) -> None:
        """Offer what the council signs in with: its provider's button, the
        password fields only when passwords still work (or no provider)."""
        self.choice = choice
        provider = choice.provider
        if provider is not None:
            self.provider_button.setText(f"&{provider.button_text}")
            self.provider_button.setAccessibleName(provider.button_text)
            self.provider_button.show()
        else:
            self.provider_button.hide()
        passwords = provider is None or choice.password
        self.form.setRowVisible(self.worker, passwords)
        self.form.setRowVisible(self.password, passwords)
        self.password_note.setVisible(provider is not None and passwords)
        self.completeChanged.emit()

    def _address_changed(self) -> None:
        # Another central record: a sign-in for the old one does not count.
        self.token = None
        self.provider_status.hide()

    def signed_in(self, token: ProviderToken) -> None:
        assert self.choice is not None and self.choice.provider is not None
        self.token = token
        show_message(self.sign_in_error, "")
        self.provider_status.setText(
            f"Signed in with {self.choice.provider.name}. Next, choose a passphrase."
        )
        self.provider_status.show()

    def uses_provider(self) -> bool:
        return self.token is not None

    def isComplete(self) -> bool:
        return bool(self.address.text().strip())

    def _council_settings(self, form: QFormLayout) -> None:
        """The council's managed settings: its address filled in, read-only
        when locked, and any problem with its settings files in plain words."""
        council = self.council
        self.locked_note = QLabel("", self)
        self.locked_note.setAccessibleName("Address set by the council")
        self.locked_note.setWordWrap(True)
        self.locked_note.hide()
        if council.address:
            self.address.setText(council.address)
        if council.is_locked("address"):
            self.address.setReadOnly(True)
            self.locked_note.setText(council.locked_note("address"))
            self.locked_note.show()
        form.insertRow(1, "", self.locked_note)
        self.settings_problems = message_label(self, "Settings file problem")
        show_message(self.settings_problems, " ".join(council.problems))
        form.addRow("", self.settings_problems)

    def check_address(self) -> str | None:
        """The address to use, or None with the problem shown at the field."""
        try:
            address = check_url(self.council.address_for(self.address.text()))
        except (UserError, SyncError, ValueError) as exc:
            show_message(self.address_error, getattr(exc, "message", str(exc)))
            self.address.setFocus()
            return None
        show_message(self.address_error, "")
        return address

    def validatePage(self) -> bool:
        if self.check_address() is None:
            return False
        if self.token is not None:
            return True
        provider = self.choice.provider if self.choice else None
        if provider is not None and not self.choice.password:  # type: ignore[union-attr]
            show_message(self.sign_in_error, f"Press “{provider.button_text}” first.")
            self.provider_button.setFocus()
            return False
        if not self.worker.text().strip() or not self.password.text():
            words = "Type your worker name and password"
            if provider is not None:
                words = f"Press “{provider.button_text}”, or type your worker name and password"
            show_message(self.sign_in_error, words + ".")
            (self.password if self.worker.text().strip() else self.worker).setFocus()
            return False
        return True


class PassphrasePage(QWizardPage):
    """Choosing the passphrase; accepting this page enrols the laptop."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Choose a passphrase for this laptop")
        self.setSubTitle("It encrypts the case records kept on this laptop.")
        rules = QLabel(RULES, self)
        rules.setWordWrap(True)
        rules.setAccessibleName("Passphrase rules")
        self.first = QLineEdit(self)
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName("New passphrase")
        self.second = QLineEdit(self)
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName("New passphrase again")
        self.error = message_label(self, "Passphrase problem")
        self.busy = QLabel("", self)
        self.busy.setAccessibleName("Enrolment progress")
        form = QFormLayout(self)
        form.addRow(rules)
        form.addRow("&Passphrase:", self.first)
        form.addRow("&Again:", self.second)
        form.addRow("", self.error)
        form.addRow("", self.busy)
        self.enrolled = False
        self._working = False

    def validatePage(self) -> bool:
        if self.enrolled:
            return True
        if self._working:
            return False
        first, second = self.first.text(), self.second.text()
        try:
            check_passphrase_rules(first)
        except PassphraseRejected as exc:
            show_message(self.error, exc.message)
            return False
        if first != second:
            show_message(self.error, "The two passphrases are not the same. Type them again.")
            self.second.clear()
            self.second.setFocus()
            return False
        show_message(self.error, "")
        self._working = True
        self.busy.setText("Signing in and setting up this laptop…")
        self.wiz.enrol(first, done=self._done, failed=self._failed)
        return False

    def _done(self) -> None:
        self._working, self.enrolled = False, True
        self.busy.setText("")
        self.wiz.next()

    def _failed(self, exc: BaseException) -> None:
        self._working = False
        self.busy.setText("")
        self.wiz.show_enrol_error(exc)


class SyncPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Fetching your caseload")
        self.setSubTitle("Records are stored encrypted on this laptop as they arrive.")
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName("First sync progress")
        self.bar.setRange(0, 0)
        self.counts = QLabel("Starting…", self)
        self.counts.setAccessibleName("Records received")
        self.stop = QPushButton("&Stop", self)
        self.stop.setAccessibleName("Stop first sync")
        self.stop.clicked.connect(self._stop)
        self.error = message_label(self, "Sync problem")
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.counts)
        layout.addWidget(self.error)
        layout.addWidget(self.stop, alignment=Qt.AlignmentFlag.AlignLeft)
        self.finished = False

    def initializePage(self) -> None:
        runner = self.wiz.runner()
        runner.sig_progress.connect(self._progress)
        runner.sig_finished.connect(self._finished)
        runner.sig_failed.connect(self._failed)
        runner.start()

    def _progress(self, phase: str, done: int, total: int, _bytes: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
            self.counts.setText(f"{done:,} of {total:,} records ({100 * done // total}%)")
        else:
            self.counts.setText(f"{done:,} records received")

    def _finished(self, report: SyncReport) -> None:
        self.finished = True
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.stop.hide()
        self.counts.setText(
            "Stopped. The rest arrives at the next sync."
            if report.cancelled
            else f"Done: {report.pulled:,} records on this laptop."
        )
        self.completeChanged.emit()
        self.wiz.sig_first_sync_done.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.finished = True
        self.bar.setRange(0, 1)
        self.stop.hide()
        show_message(
            self.error, user_message(exc) + " You can sync again from the main window (F5)."
        )
        self.completeChanged.emit()

    def _stop(self) -> None:
        self.stop.setEnabled(False)
        self.counts.setText("Stopping after this page…")
        self.wiz.runner().cancel()

    def isComplete(self) -> bool:
        return self.finished


class FirstRunWizard(QWizard):
    """Accepted once the laptop is enrolled and the first sync has ended."""

    #: the first sync ended (SyncReport)
    sig_first_sync_done = Signal(object)

    def __init__(
        self,
        tasks: Tasks,
        vault: Vault,
        make_runner: Callable[[], SyncRunner],
        parent: QWidget | None = None,
        *,
        open_browser: Opener | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set up Caseworker")
        self.setAccessibleName("Set up Caseworker")
        self.tasks, self.vault, self._make_runner = tasks, vault, make_runner
        self._runner: SyncRunner | None = None
        self.council = managed.load()
        self.server_page = ServerPage(self, self.council)
        self.passphrase_page = PassphrasePage(self)
        self.sync_page = SyncPage(self)
        self.addPage(self.server_page)
        self.addPage(self.passphrase_page)
        self.addPage(self.sync_page)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.resize(640, 480)
        #: the worker's browser for the provider sign-in (None: the system's)
        self.open_browser = open_browser
        self.server_page.provider_button.clicked.connect(self.sign_in_with_provider)
        self.server_page.address.editingFinished.connect(self.look_up_sign_in)
        if self.council.address:
            self.look_up_sign_in()

    def look_up_sign_in(self) -> None:
        """Ask the central record how its workers sign in (off the UI thread)."""
        page = self.server_page
        try:
            address = check_url(self.council.address_for(page.address.text()))
        except (UserError, SyncError, ValueError):
            return  # said when the worker goes on
        self.tasks.net(lambda: enrolment.sign_in_choice(address)).success(
            lambda choice: self._choice_for(address, choice)
        ).failure(lambda _exc: None).run()  # unreachable: said when enrolling

    def _choice_for(self, address: str, choice: SignInChoice) -> None:
        page = self.server_page
        if page.address.text().strip().rstrip("/") == address.rstrip("/"):
            page.show_choice(choice)

    def sign_in_with_provider(self) -> None:
        """ "Sign in with <council>": the browser, then back to this page."""
        page = self.server_page
        address = page.check_address()
        if address is None or page.choice is None or page.choice.provider is None:
            return
        page.provider_button.setEnabled(False)
        show_message(page.sign_in_error, "")
        page.provider_status.setText(
            f"Finish signing in with {page.choice.provider.name} in your browser…"
        )
        page.provider_status.show()

        def failed(exc: BaseException) -> None:
            page.provider_button.setEnabled(True)
            page.provider_status.hide()
            show_message(page.sign_in_error, user_message(exc))

        def done(token: ProviderToken) -> None:
            page.provider_button.setEnabled(True)
            page.signed_in(token)
            self.next()

        council_bundle = self.council.ca_bundle_for(None)
        sign_in_op(
            self.tasks, page.choice, ca_bundle=council_bundle, open_browser=self.open_browser
        ).success(done).failure(failed).run()

    def enrol(self, passphrase: str, *, done: Callable[[], None],
              failed: Callable[[BaseException], None]) -> None:  # fmt: skip
        page = self.server_page
        address, worker = page.address.text().strip(), page.worker.text().strip()
        password = page.password.text()
        vault = self.vault
        if page.token is not None and page.choice is not None:
            token, choice = page.token, page.choice
            self.tasks.db(
                lambda: enrolment.enrol_with_provider(
                    vault, server_url=address, token=token, choice=choice, passphrase=passphrase
                )
            ).success(lambda _none: done()).failure(failed).run()
            return
        self.tasks.db(
            lambda: enrolment.enrol(
                vault, server_url=address, worker=worker, password=password, passphrase=passphrase
            )
        ).success(lambda _none: done()).failure(failed).run()

    def show_enrol_error(self, exc: BaseException) -> None:
        """Back to the field the problem concerns, in plain words."""
        page = self.server_page
        if isinstance(exc, PassphraseRejected):
            show_message(self.passphrase_page.error, exc.message)
            return
        page.token = None  # a sign-in the central record refused, or a retry: sign in again
        if isinstance(exc, SignInRefused | RateLimited | PasswordSignInOff | ProviderSignInFailed):
            self.back()
            show_message(page.sign_in_error, exc.message)
            page.provider_status.hide()
            page.password.clear()
            page.password.setFocus()
            return
        if isinstance(exc, ServerUnreachable | CertificateProblem | SyncError):
            self.back()
            show_message(page.address_error, exc.message)
            page.address.setFocus()
            return
        field_message(self.passphrase_page.error, exc)

    def runner(self) -> SyncRunner:
        if self._runner is None:
            self._runner = self._make_runner()
        return self._runner
