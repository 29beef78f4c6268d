"""First run: the central record's address, sign in, a passphrase, the first sync.

Enrolment (vault + device + key deposit) happens when the passphrase page is
accepted; its errors go back to the field they concern. The first sync then
runs with a real progress bar and can be stopped.
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

from desktop import enrolment, managed
from desktop.enrolment import check_url
from desktop.errors import PassphraseRejected, UserError
from desktop.syncing import SyncReport
from desktop.vault import MIN_PASSPHRASE, Vault, check_passphrase_rules
from sync.errors import CertificateProblem, RateLimited, ServerUnreachable, SignInRefused, SyncError
from ui.errors import user_message
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
        form = QFormLayout(self)
        form.addRow("Central record &address:", self.address)
        form.addRow("", self.address_error)
        form.addRow("&Worker name:", self.worker)
        form.addRow("&Password:", self.password)
        form.addRow("", self.sign_in_error)
        self._council_settings(form)
        self.registerField("address*", self.address)
        self.registerField("worker*", self.worker)
        self.registerField("password*", self.password)

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

    def validatePage(self) -> bool:
        try:
            check_url(self.council.address_for(self.address.text()))
        except (UserError, SyncError, ValueError) as exc:
            show_message(self.address_error, getattr(exc, "message", str(exc)))
            self.address.setFocus()
            return False
        show_message(self.address_error, "")
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

    def enrol(self, passphrase: str, *, done: Callable[[], None],
              failed: Callable[[BaseException], None]) -> None:  # fmt: skip
        page = self.server_page
        address, worker = page.address.text().strip(), page.worker.text().strip()
        password = page.password.text()
        vault = self.vault
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
        if isinstance(exc, SignInRefused | RateLimited):
            self.back()
            show_message(page.sign_in_error, exc.message)
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
