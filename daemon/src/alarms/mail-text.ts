/**
 * @module alarms/mail-text
 * The daemon's own strings (SYS-3): alert and test e-mails, in the box's "Default language"
 * (CSV settings; the box has no per-recipient language). A regional variant falls back to its
 * parent (`fr-BE` → `fr`, `nl-BE` → `nl`), anything missing to English.
 */
import type { Alarm, CsvSettings } from '@ews/shared';

type Language = CsvSettings['defaultLanguage'];

export interface MailText {
  types: Record<Alarm['type'], string>;
  /** The alarm names no device. */
  box: string;
  /** `{gateway}` and `{address}` of the device. */
  where: string;
  when: string;
  details: string;
  testSubject: string;
  testBody: string;
}

const en: MailText = {
  types: {
    'communication-error': 'Communication error', 'communication-restored': 'Communication restored', 'configuration-error': 'Configuration error',
    'state-change': 'State change', 'configuration-change': 'Configuration change', 'fail-safe': 'Green\'Up fail-safe engaged',
    'fail-safe-end': 'Green\'Up fail-safe ended', 'box-started': 'Box started',
    'threshold-exceeded': 'Threshold exceeded', 'threshold-restored': 'Back within the threshold',
  },
  box: 'the box', where: '{gateway}, address {address}', when: 'When', details: 'Details',
  testSubject: 'EWS test message', testBody: 'This test message from your Energy Web Server shows that its e-mail settings work.',
};

const TEXTS: Partial<Record<Language, MailText>> = {
  en,
  fr: {
    types: {
      'communication-error': 'Erreur de communication', 'communication-restored': 'Communication rétablie', 'configuration-error': 'Erreur de configuration',
      'state-change': 'Changement d’état', 'configuration-change': 'Modification de la configuration', 'fail-safe': 'Green’Up : mode de repli activé',
      'fail-safe-end': 'Green’Up : fin du mode de repli', 'box-started': 'Démarrage du boîtier',
      'threshold-exceeded': 'Seuil dépassé', 'threshold-restored': 'Retour en deçà du seuil',
    },
    box: 'le boîtier', where: '{gateway}, adresse {address}', when: 'Date', details: 'Détails',
    testSubject: 'Message de test EWS', testBody: 'Ce message de test de votre serveur web énergie montre que ses paramètres de messagerie fonctionnent.',
  },
  de: {
    types: {
      'communication-error': 'Kommunikationsfehler', 'communication-restored': 'Kommunikation wiederhergestellt', 'configuration-error': 'Konfigurationsfehler',
      'state-change': 'Zustandsänderung', 'configuration-change': 'Konfigurationsänderung', 'fail-safe': 'Green’Up: Notbetrieb aktiviert',
      'fail-safe-end': 'Green’Up: Notbetrieb beendet', 'box-started': 'Gerät gestartet',
      'threshold-exceeded': 'Schwellenwert überschritten', 'threshold-restored': 'Wieder innerhalb des Schwellenwerts',
    },
    box: 'das Gerät', where: '{gateway}, Adresse {address}', when: 'Zeitpunkt', details: 'Details',
    testSubject: 'EWS-Testnachricht', testBody: 'Diese Testnachricht Ihres Energy Web Servers zeigt, dass seine E-Mail-Einstellungen funktionieren.',
  },
  es: {
    types: {
      'communication-error': 'Error de comunicación', 'communication-restored': 'Comunicación restablecida', 'configuration-error': 'Error de configuración',
      'state-change': 'Cambio de estado', 'configuration-change': 'Cambio de configuración', 'fail-safe': 'Green’Up: modo de seguridad activado',
      'fail-safe-end': 'Green’Up: fin del modo de seguridad', 'box-started': 'Equipo iniciado',
      'threshold-exceeded': 'Umbral superado', 'threshold-restored': 'De nuevo dentro del umbral',
    },
    box: 'el equipo', where: '{gateway}, dirección {address}', when: 'Fecha', details: 'Detalles',
    testSubject: 'Mensaje de prueba de EWS', testBody: 'Este mensaje de prueba de su Energy Web Server confirma que la configuración de correo funciona.',
  },
  el: {
    types: {
      'communication-error': 'Σφάλμα επικοινωνίας', 'communication-restored': 'Η επικοινωνία αποκαταστάθηκε', 'configuration-error': 'Σφάλμα διαμόρφωσης',
      'state-change': 'Αλλαγή κατάστασης', 'configuration-change': 'Αλλαγή διαμόρφωσης', 'fail-safe': 'Green’Up: ενεργοποίηση λειτουργίας ασφαλείας',
      'fail-safe-end': 'Green’Up: τέλος λειτουργίας ασφαλείας', 'box-started': 'Εκκίνηση συσκευής',
      'threshold-exceeded': 'Υπέρβαση ορίου', 'threshold-restored': 'Επιστροφή εντός ορίου',
    },
    box: 'η συσκευή', where: '{gateway}, διεύθυνση {address}', when: 'Πότε', details: 'Λεπτομέρειες',
    testSubject: 'Δοκιμαστικό μήνυμα EWS', testBody: 'Αυτό το δοκιμαστικό μήνυμα του Energy Web Server δείχνει ότι οι ρυθμίσεις e-mail λειτουργούν.',
  },
  it: {
    types: {
      'communication-error': 'Errore di comunicazione', 'communication-restored': 'Comunicazione ripristinata', 'configuration-error': 'Errore di configurazione',
      'state-change': 'Cambio di stato', 'configuration-change': 'Modifica della configurazione', 'fail-safe': 'Green’Up: modalità di sicurezza attivata',
      'fail-safe-end': 'Green’Up: fine della modalità di sicurezza', 'box-started': 'Dispositivo avviato',
      'threshold-exceeded': 'Soglia superata', 'threshold-restored': 'Di nuovo entro la soglia',
    },
    box: 'il dispositivo', where: '{gateway}, indirizzo {address}', when: 'Data', details: 'Dettagli',
    testSubject: 'Messaggio di prova EWS', testBody: 'Questo messaggio di prova del vostro Energy Web Server conferma che le impostazioni e-mail funzionano.',
  },
  nl: {
    types: {
      'communication-error': 'Communicatiefout', 'communication-restored': 'Communicatie hersteld', 'configuration-error': 'Configuratiefout',
      'state-change': 'Statuswijziging', 'configuration-change': 'Configuratiewijziging', 'fail-safe': 'Green’Up: noodmodus ingeschakeld',
      'fail-safe-end': 'Green’Up: noodmodus beëindigd', 'box-started': 'Apparaat gestart',
      'threshold-exceeded': 'Drempel overschreden', 'threshold-restored': 'Weer binnen de drempel',
    },
    box: 'het apparaat', where: '{gateway}, adres {address}', when: 'Tijdstip', details: 'Details',
    testSubject: 'EWS-testbericht', testBody: 'Dit testbericht van uw Energy Web Server laat zien dat de e-mailinstellingen werken.',
  },
  pl: {
    types: {
      'communication-error': 'Błąd komunikacji', 'communication-restored': 'Komunikacja przywrócona', 'configuration-error': 'Błąd konfiguracji',
      'state-change': 'Zmiana stanu', 'configuration-change': 'Zmiana konfiguracji', 'fail-safe': 'Green’Up: włączono tryb awaryjny',
      'fail-safe-end': 'Green’Up: zakończono tryb awaryjny', 'box-started': 'Uruchomienie urządzenia',
      'threshold-exceeded': 'Przekroczono próg', 'threshold-restored': 'Ponownie w granicach progu',
    },
    box: 'urządzenie', where: '{gateway}, adres {address}', when: 'Kiedy', details: 'Szczegóły',
    testSubject: 'Wiadomość testowa EWS', testBody: 'Ta wiadomość testowa z Energy Web Server potwierdza, że ustawienia poczty e-mail działają.',
  },
  pt: {
    types: {
      'communication-error': 'Erro de comunicação', 'communication-restored': 'Comunicação restabelecida', 'configuration-error': 'Erro de configuração',
      'state-change': 'Mudança de estado', 'configuration-change': 'Alteração da configuração', 'fail-safe': 'Green’Up: modo de segurança ativado',
      'fail-safe-end': 'Green’Up: fim do modo de segurança', 'box-started': 'Equipamento iniciado',
      'threshold-exceeded': 'Limiar ultrapassado', 'threshold-restored': 'De novo dentro do limiar',
    },
    box: 'o equipamento', where: '{gateway}, endereço {address}', when: 'Data', details: 'Detalhes',
    testSubject: 'Mensagem de teste EWS', testBody: 'Esta mensagem de teste do seu Energy Web Server mostra que as definições de e-mail funcionam.',
  },
  ru: {
    types: {
      'communication-error': 'Ошибка связи', 'communication-restored': 'Связь восстановлена', 'configuration-error': 'Ошибка конфигурации',
      'state-change': 'Изменение состояния', 'configuration-change': 'Изменение конфигурации', 'fail-safe': 'Green’Up: включён аварийный режим',
      'fail-safe-end': 'Green’Up: аварийный режим завершён', 'box-started': 'Устройство запущено',
      'threshold-exceeded': 'Порог превышен', 'threshold-restored': 'Снова в пределах порога',
    },
    box: 'устройство', where: '{gateway}, адрес {address}', when: 'Время', details: 'Подробности',
    testSubject: 'Тестовое сообщение EWS', testBody: 'Это тестовое сообщение Energy Web Server подтверждает, что настройки электронной почты работают.',
  },
  zh: {
    types: {
      'communication-error': '通信错误', 'communication-restored': '通信已恢复', 'configuration-error': '配置错误',
      'state-change': '状态变化', 'configuration-change': '配置更改', 'fail-safe': 'Green’Up：已进入安全模式',
      'fail-safe-end': 'Green’Up：安全模式已结束', 'box-started': '设备已启动',
      'threshold-exceeded': '超过阈值', 'threshold-restored': '已恢复到阈值以内',
    },
    box: '本设备', where: '{gateway}，地址 {address}', when: '时间', details: '详情',
    testSubject: 'EWS 测试邮件', testBody: '这封来自 Energy Web Server 的测试邮件表明其电子邮件设置工作正常。',
  },
};

const PARENT: Partial<Record<Language, Language>> = { 'fr-BE': 'fr', 'nl-BE': 'nl' };

/** The mail strings of `language` (its parent's for a regional variant, English when unknown). */
export function mailText(language: Language): MailText {
  return TEXTS[language] ?? TEXTS[PARENT[language] ?? 'en'] ?? en;
}

/** The languages with their own mail strings (the others use their parent's). */
export const MAIL_LANGUAGES = Object.keys(TEXTS) as Language[];
