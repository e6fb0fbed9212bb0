import { knownLanguage } from "./text";

/**
 * The built-in engine's own words, in the customer's language: what it says when the bot's settings
 * do not say it (a bot's welcome and fallback messages, when set, are used as written).
 */
export type Phrases = {
  greeting: string;
  fallback: string;
  yes: string;
  no: string;
  /** "You're welcome!", then an invitation to ask more, or a goodbye. */
  welcome: string;
  welcomeBye: string;
  goodbye: string;
  howAreYou: string;
  ack: string;
  sure: string;
  /** `{name}` is the bot's name. */
  identity: string;
  identityNameless: string;
  /** `{name}` is the customer's first name. */
  thanksName: string;
  thanksNoName: string;
  /** Said before an answer that would repeat the previous reply word for word. */
  asISaid: string;
  /** The default offer of a person, for a bot that kept the default (English) offer message. */
  offerPerson: string;
};

const PHRASES: Record<string, Phrases> = {
  en: {
    greeting: "Hi! How can I help you today?",
    fallback: "I'm sorry, I don't have information about that yet. Could you rephrase, or ask about something else?",
    yes: "Yes",
    no: "No",
    welcome: "You're welcome! Anything else I can help with?",
    welcomeBye: "You're welcome! Have a great day.",
    goodbye: "Goodbye! Feel free to come back any time.",
    howAreYou: "I'm doing well, thanks for asking! How can I help you today?",
    ack: "Alright! Let me know if there's anything else I can help with.",
    sure: "Sure! What would you like to know?",
    identity:
      "I'm {name}, an automated assistant. I answer questions from this team's knowledge base, so ask me anything about it.",
    identityNameless:
      "I'm an automated assistant. I answer questions from this team's knowledge base, so ask me anything about it.",
    thanksName: "Thank you, {name}!",
    thanksNoName: "Thank you for your details!",
    asISaid: "As I said:",
    offerPerson: "I'm not sure I can help with that. Would you like me to connect you with a member of our team?",
  },
  fr: {
    greeting: "Bonjour ! Comment puis-je vous aider ?",
    fallback: "Désolé, je n'ai pas trouvé de réponse à cette question dans ma base de connaissances.",
    yes: "Oui",
    no: "Non",
    welcome: "Je vous en prie ! Puis-je vous aider pour autre chose ?",
    welcomeBye: "Je vous en prie ! Bonne journée.",
    goodbye: "Au revoir ! N'hésitez pas à revenir quand vous voulez.",
    howAreYou: "Très bien, merci ! Comment puis-je vous aider ?",
    ack: "D'accord ! Dites-moi si je peux vous aider pour autre chose.",
    sure: "Bien sûr ! Que voulez-vous savoir ?",
    identity:
      "Je suis {name}, un assistant automatique. Je réponds aux questions à partir de la base de connaissances de cette équipe : posez-moi vos questions.",
    identityNameless:
      "Je suis un assistant automatique. Je réponds aux questions à partir de la base de connaissances de cette équipe : posez-moi vos questions.",
    thanksName: "Merci, {name} !",
    thanksNoName: "Merci pour vos coordonnées !",
    asISaid: "Comme je l'ai dit :",
    offerPerson:
      "Je ne suis pas sûr de pouvoir vous aider sur ce point. Voulez-vous que je vous mette en relation avec un membre de notre équipe ?",
  },
  de: {
    greeting: "Hallo! Wie kann ich Ihnen helfen?",
    fallback: "Leider habe ich dazu in meiner Wissensdatenbank keine Antwort gefunden.",
    yes: "Ja",
    no: "Nein",
    welcome: "Gern geschehen! Kann ich sonst noch helfen?",
    welcomeBye: "Gern geschehen! Einen schönen Tag noch.",
    goodbye: "Auf Wiedersehen! Kommen Sie gern jederzeit wieder.",
    howAreYou: "Mir geht es gut, danke der Nachfrage! Wie kann ich Ihnen helfen?",
    ack: "Alles klar! Sagen Sie Bescheid, wenn ich sonst noch helfen kann.",
    sure: "Gern! Was möchten Sie wissen?",
    identity:
      "Ich bin {name}, ein automatischer Assistent. Ich beantworte Fragen aus der Wissensdatenbank dieses Teams – fragen Sie mich gern.",
    identityNameless:
      "Ich bin ein automatischer Assistent. Ich beantworte Fragen aus der Wissensdatenbank dieses Teams – fragen Sie mich gern.",
    thanksName: "Danke, {name}!",
    thanksNoName: "Danke für Ihre Kontaktdaten!",
    asISaid: "Wie gesagt:",
    offerPerson:
      "Ich bin nicht sicher, ob ich dabei helfen kann. Möchten Sie, dass ich Sie mit einem Mitglied unseres Teams verbinde?",
  },
  es: {
    greeting: "¡Hola! ¿En qué puedo ayudarle?",
    fallback: "Lo siento, no he encontrado una respuesta a eso en mi base de conocimientos.",
    yes: "Sí",
    no: "No",
    welcome: "¡De nada! ¿Puedo ayudarle en algo más?",
    welcomeBye: "¡De nada! Que tenga un buen día.",
    goodbye: "¡Adiós! Vuelva cuando quiera.",
    howAreYou: "¡Muy bien, gracias por preguntar! ¿En qué puedo ayudarle?",
    ack: "¡De acuerdo! Dígame si puedo ayudarle en algo más.",
    sure: "¡Claro! ¿Qué le gustaría saber?",
    identity:
      "Soy {name}, un asistente automático. Respondo preguntas con la base de conocimientos de este equipo: pregúnteme lo que quiera.",
    identityNameless:
      "Soy un asistente automático. Respondo preguntas con la base de conocimientos de este equipo: pregúnteme lo que quiera.",
    thanksName: "¡Gracias, {name}!",
    thanksNoName: "¡Gracias por sus datos!",
    asISaid: "Como le decía:",
    offerPerson:
      "No estoy seguro de poder ayudarle con eso. ¿Quiere que le ponga en contacto con un miembro de nuestro equipo?",
  },
  it: {
    greeting: "Ciao! Come posso aiutarla?",
    fallback: "Mi dispiace, non ho trovato una risposta nella mia base di conoscenza.",
    yes: "Sì",
    no: "No",
    welcome: "Prego! Posso aiutarla in altro?",
    welcomeBye: "Prego! Buona giornata.",
    goodbye: "Arrivederci! Torni quando vuole.",
    howAreYou: "Bene, grazie! Come posso aiutarla?",
    ack: "Va bene! Mi dica se posso aiutarla in altro.",
    sure: "Certo! Cosa vorrebbe sapere?",
    identity:
      "Sono {name}, un assistente automatico. Rispondo alle domande con la base di conoscenza di questo team: mi chieda pure.",
    identityNameless:
      "Sono un assistente automatico. Rispondo alle domande con la base di conoscenza di questo team: mi chieda pure.",
    thanksName: "Grazie, {name}!",
    thanksNoName: "Grazie per i suoi dati!",
    asISaid: "Come dicevo:",
    offerPerson: "Non sono sicuro di poterla aiutare. Vuole che la metta in contatto con un membro del nostro team?",
  },
  pt: {
    greeting: "Olá! Como posso ajudar?",
    fallback: "Desculpe, não encontrei uma resposta para isso na minha base de conhecimento.",
    yes: "Sim",
    no: "Não",
    welcome: "De nada! Posso ajudar em mais alguma coisa?",
    welcomeBye: "De nada! Tenha um bom dia.",
    goodbye: "Até logo! Volte quando quiser.",
    howAreYou: "Estou bem, obrigado! Como posso ajudar?",
    ack: "Certo! Diga-me se puder ajudar em mais alguma coisa.",
    sure: "Claro! O que gostaria de saber?",
    identity:
      "Sou {name}, um assistente automático. Respondo a perguntas com a base de conhecimento desta equipa: pergunte à vontade.",
    identityNameless:
      "Sou um assistente automático. Respondo a perguntas com a base de conhecimento desta equipa: pergunte à vontade.",
    thanksName: "Obrigado, {name}!",
    thanksNoName: "Obrigado pelos seus dados!",
    asISaid: "Como disse:",
    offerPerson: "Não tenho a certeza de poder ajudar. Quer que o ponha em contacto com um membro da nossa equipa?",
  },
  nl: {
    greeting: "Hallo! Waarmee kan ik u helpen?",
    fallback: "Sorry, ik heb daar geen antwoord op gevonden in mijn kennisbank.",
    yes: "Ja",
    no: "Nee",
    welcome: "Graag gedaan! Kan ik nog ergens mee helpen?",
    welcomeBye: "Graag gedaan! Een fijne dag nog.",
    goodbye: "Tot ziens! Kom gerust terug.",
    howAreYou: "Goed, dank u! Waarmee kan ik u helpen?",
    ack: "Prima! Laat het weten als ik nog ergens mee kan helpen.",
    sure: "Zeker! Wat wilt u weten?",
    identity:
      "Ik ben {name}, een automatische assistent. Ik beantwoord vragen uit de kennisbank van dit team: vraag gerust.",
    identityNameless:
      "Ik ben een automatische assistent. Ik beantwoord vragen uit de kennisbank van dit team: vraag gerust.",
    thanksName: "Dank u, {name}!",
    thanksNoName: "Dank u voor uw gegevens!",
    asISaid: "Zoals gezegd:",
    offerPerson: "Ik weet niet zeker of ik daarmee kan helpen. Wilt u dat ik u doorverbind met iemand van ons team?",
  },
};

/** The phrases for a language (ISO 639-1), English when there are none for it. */
export function phrasesFor(language: string | undefined): Phrases {
  return PHRASES[knownLanguage(language)] ?? PHRASES.en!;
}

/** Languages with their own phrases. */
export const PHRASE_LANGUAGES = Object.keys(PHRASES);

/**
 * A new bot's welcome and fallback messages (the column defaults in db/schema.ts): a bot that kept them gets
 * them in the customer's language; a message the owner wrote is used as written.
 */
export const STOCK_MESSAGES = new Set([
  "Hi! How can I help you today?",
  "I'm sorry, I don't have information about that yet. Could you rephrase, or ask about something else?",
]);

/** The bot's own message, or the phrase in the customer's language when the bot has none of its own. */
export function ownOr(message: string, phrase: string): string {
  const own = message.trim();
  return own && !STOCK_MESSAGES.has(own) ? own : phrase;
}

/** Fills `{name}` in a phrase. */
export function fill(phrase: string, name: string): string {
  return phrase.replace("{name}", name);
}
