// A respondent's answer to one question, typed by question kind.
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace soundings {

struct ChoiceAnswer {        // single choice, agreement, smiley
  std::string option;
  std::string other_text;    // when the option is "other"
};
struct MultiChoiceAnswer {   // multiple choice
  std::vector<std::string> options;
  std::string other_text;
};
struct ScaleAnswer {         // 0-10 scale
  int value = 0;
};
struct TextAnswer {          // short/long text, number, postcode, email, phone: as typed
  std::string text;
};
struct DateAnswer {          // month and day are 0 when only a year is given
  int year = 0;
  int month = 0;
  int day = 0;
};
struct RankingAnswer {       // option ids, most important first
  std::vector<std::string> order;
};
struct ConsentAnswer {
  bool given = false;
};
struct ContactAnswer {
  std::string name;
  std::string email;
  std::string phone;
  std::string language;               // preferred language for follow-up (W5)
  std::vector<std::string> consents;  // ids of the consents ticked
};

using Answer = std::variant<ChoiceAnswer, MultiChoiceAnswer, ScaleAnswer, TextAnswer, DateAnswer,
                            RankingAnswer, ConsentAnswer, ContactAnswer>;

bool operator==(const ChoiceAnswer&, const ChoiceAnswer&);
bool operator==(const MultiChoiceAnswer&, const MultiChoiceAnswer&);
bool operator==(const ScaleAnswer&, const ScaleAnswer&);
bool operator==(const TextAnswer&, const TextAnswer&);
bool operator==(const DateAnswer&, const DateAnswer&);
bool operator==(const RankingAnswer&, const RankingAnswer&);
bool operator==(const ConsentAnswer&, const ConsentAnswer&);
bool operator==(const ContactAnswer&, const ContactAnswer&);

}  // namespace soundings
